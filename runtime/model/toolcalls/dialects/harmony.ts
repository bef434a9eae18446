/**
 * gpt-oss "harmony" messages: `<|channel|>analysis<|message|>…<|end|><|start|>assistant<|channel|>
 * commentary to=functions.NAME <|constrain|>json<|message|>{…}`. A message addressed
 * `to=functions.NAME` is a call (in any channel); other recipients are the model's built-in tools
 * (python, browser, container), not ours, and are dropped; `analysis` is thinking; `final` and
 * `commentary` are content. The whole reply is read as messages, so this runs before the other
 * dialects.
 */
import type { RawCall } from '../types.js';

const TOKEN = /<\|(start|channel|constrain|message|end|call|return)\|>/g;

export interface HarmonySplit {
  content: string;
  reasoning: string[];
  calls: RawCall[];
}

export function splitHarmony(text: string): HarmonySplit | undefined {
  if (!text.includes('<|channel|>') && !text.includes('<|message|>')) return undefined;
  const pieces: Array<{ token: string | undefined; text: string }> = [];
  let last = 0;
  let lastToken: string | undefined;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    pieces.push({ token: lastToken, text: text.slice(last, m.index) });
    lastToken = m[1];
    last = m.index + m[0].length;
  }
  pieces.push({ token: lastToken, text: text.slice(last) });

  const out: HarmonySplit = { content: '', reasoning: [], calls: [] };
  let header = '';
  let channel = '';
  const finish = (body: string) => {
    const recipient = /to=([^\s<]+)/.exec(header)?.[1];
    if (recipient && recipient.startsWith('functions.')) {
      out.calls.push({ name: recipient.slice('functions.'.length), arguments: body.trim() });
    } else if (recipient && recipient !== 'assistant') {
      // a built-in tool of gpt-oss (python, browser, container.exec): not one of ours
    } else if (channel === 'analysis') {
      if (body.trim()) out.reasoning.push(body.trim());
    } else {
      out.content += body;
    }
    header = '';
    channel = '';
  };
  for (const piece of pieces) {
    switch (piece.token) {
      case undefined:
        // Text before the first token: a header when it names a recipient, else plain content.
        if (/to=\S/.test(piece.text)) header = piece.text;
        else out.content += piece.text;
        break;
      case 'start':
        header = piece.text;
        channel = '';
        break;
      case 'channel':
        header += ` ${piece.text}`;
        channel = /^\s*(\w+)/.exec(piece.text)?.[1] ?? '';
        break;
      case 'constrain':
        header += ` ${piece.text}`;
        break;
      case 'message':
        finish(piece.text);
        break;
      default: // end, call, return: text after them is outside any message
        out.content += piece.text;
    }
  }
  return out;
}
