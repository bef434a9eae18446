/**
 * Caps a tool result to `maxChars`, keeping the head and the tail (where errors and summaries
 * usually are) and saying in the middle what was left out and how to see it.
 */
export function capOutput(text: string, maxChars: number, hint?: string): string {
  if (text.length <= maxChars) return text;
  const omittedNote = (chars: number, lines: number) =>
    `\n[... ${chars} characters (${lines} lines) omitted.${hint ? ` ${hint}` : ''} ...]\n`;
  // Reserve room for the note with the largest numbers it can show.
  const room = maxChars - omittedNote(text.length, countLines(text)).length;
  if (room <= 0) return text.slice(0, Math.max(0, maxChars));
  let head = text.slice(0, Math.ceil(room * 0.6));
  let tail = text.slice(text.length - Math.floor(room * 0.4));
  // Cut at line boundaries when that loses little, so no half lines reach the model.
  const headCut = head.lastIndexOf('\n');
  if (headCut > head.length * 0.8) head = head.slice(0, headCut);
  const tailCut = tail.indexOf('\n');
  if (tailCut >= 0 && tailCut < tail.length * 0.2) tail = tail.slice(tailCut + 1);
  const omitted = text.slice(head.length, text.length - tail.length);
  return head + omittedNote(omitted.length, countLines(omitted.replace(/^\n|\n$/g, ''))) + tail;
}

function countLines(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
