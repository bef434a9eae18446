/**
 * gpt-oss "harmony" messages: `<|channel|>analysis<|message|>…<|end|><|start|>assistant<|channel|>
 * commentary to=functions.NAME <|constrain|>json<|message|>{…}`. A message addressed
 * `to=functions.NAME` is a call (in any channel); other recipients are the model's built-in tools
 * (python, browser, container), not ours, and are dropped; `analysis` is thinking; `final` and
 * `commentary` are content. The whole reply is read as messages, so this runs before the other
 * dialects.
 */
import { scanBalanced, skipSpace } from '../scan.js';
import type { RawCall } from '../types.js';
import { cutOff } from './json-calls.js';

const TOKEN = /<\|(start|channel|constrain|message|end|call|return)\|>/g;

export interface HarmonySplit {
  content: string;
  reasoning: string[];
  calls: RawCall[];
  /** Bodies of messages to other recipients (built-in tools): the orchestrator looks for calls of another dialect in them. */
  elsewhere: string[];
}

/**
 * `toolNames`: a recipient named like one of our tools (`to=read_file`, without `functions.`)
 * is a call to it too.
 */
export function splitHarmony(text: string, toolNames: ReadonlySet<string> = new Set()): HarmonySplit | undefined {
  if (!text.includes('<|channel|>') && !text.includes('<|message|>')) return undefined;
  const pieces: Array<{ token: string | undefined; text: string }> = [];
  let last = 0;
  let lastToken: string | undefined;
  TOKEN.lastIndex = 0;
  let header = '';
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    pieces.push({ token: lastToken, text: text.slice(last, m.index) });
    header = lastToken === 'start' || lastToken === undefined ? pieces[pieces.length - 1]!.text : `${header} ${pieces[pieces.length - 1]!.text}`;
    lastToken = m[1];
    last = m.index + m[0].length;
    // A call's JSON arguments may hold token text (`"<|call|>"` in a string): scan past the value.
    if (lastToken === 'message' && /to=/.test(header)) {
      const brace = skipSpace(text, last);
      if (text[brace] === '{') {
        const span = scanBalanced(text, brace);
        if (span.closed) TOKEN.lastIndex = span.end;
      }
    }
  }
  pieces.push({ token: lastToken, text: text.slice(last) });

  const out: HarmonySplit = { content: '', reasoning: [], calls: [], elsewhere: [] };
  header = '';
  let channel = '';
  const finish = (body: string, last: boolean) => {
    const recipient = /to=([^\s<]+)/.exec(header)?.[1];
    const name = recipient?.startsWith('functions.') ? recipient.slice('functions.'.length) : recipient && toolNames.has(recipient) ? recipient : undefined;
    if (name !== undefined) {
      // The reply ended inside the arguments (no <|call|>, the JSON never closed): cut off, not run.
      const args = body.trim();
      const cut = last && args.startsWith('{') && !scanBalanced(args, 0).closed;
      out.calls.push(cut ? cutOff({ name, arguments: undefined }) : { name, arguments: args });
    } else if (recipient && recipient !== 'assistant') {
      // A built-in tool of gpt-oss (python, browser, container.exec), not one of ours — unless the
      // body itself holds calls in another dialect (a model trained on several formats mixes them).
      out.elsewhere.push(body);
    } else if (channel === 'analysis') {
      if (body.trim()) out.reasoning.push(body.trim());
    } else {
      out.content += body;
    }
    header = '';
    channel = '';
  };
  for (const [index, piece] of pieces.entries()) {
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
        finish(piece.text, index === pieces.length - 1);
        break;
      default: // end, call, return: text after them is outside any message
        out.content += piece.text;
    }
  }
  return out;
}
