/**
 * The failure modes of small models the simulated model can play, and the pure functions that
 * turn a correct tool call into its faulty version.
 */
import type { Random } from './random.js';

export type FaultKind =
  /** The call written as text in another family's format (Hermes, Qwen3-Coder XML, pythonic …). */
  | 'text_dialect'
  /** Native call whose JSON arguments are broken (trailing comma, single quotes, missing brace). */
  | 'broken_json'
  /** Argument names from other tools (file_path, filename, old_string/new_string, cmd …). */
  | 'wrong_arg_names'
  /** A patch whose search text has the wrong indentation. */
  | 'wrong_indentation'
  /** The previous call again, instead of the next step. */
  | 'repeat_call'
  /** "Hello! How can I help you today?" in the middle of a task. */
  | 'greeting'
  /** The reply stops mid-call: finish_reason "length". */
  | 'cut_off'
  /** Thousands of tokens of thinking before the call. */
  | 'thinking_flood'
  /** After a long tool result the model loses the task and asks what to do. */
  | 'forget_task';

export const FAULT_KINDS: readonly FaultKind[] = [
  'text_dialect',
  'broken_json',
  'wrong_arg_names',
  'wrong_indentation',
  'repeat_call',
  'greeting',
  'cut_off',
  'thinking_flood',
  'forget_task',
];

export const GREETING = 'Hello! How can I help you today?';
export const FORGOTTEN = "I've looked through the output above. It's quite a lot of content. What would you like me to do with it?";

/** Argument names models borrow from other agents' tools, per argument of ours. */
const WRONG_NAMES: Record<string, string[]> = {
  path: ['file_path', 'filename', 'filepath', 'file'],
  search: ['old_string', 'old', 'find'],
  replace: ['new_string', 'new'],
  command: ['cmd', 'script'],
  content: ['contents', 'text', 'code'],
};

export function canRenameArgs(args: Record<string, unknown>): boolean {
  return Object.keys(args).some((k) => k in WRONG_NAMES);
}

export function renameArgs(args: Record<string, unknown>, rng: Random): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // search and replace travel together (old_string/new_string), as in Claude-style edit tools.
  const pairStyle = rng.pick(['old_string', 'old', 'find'] as const);
  for (const [key, value] of Object.entries(args)) {
    if (key === 'search') out[pairStyle] = value;
    else if (key === 'replace') out[pairStyle === 'old_string' ? 'new_string' : pairStyle === 'old' ? 'new' : 'replace'] = value;
    else if (WRONG_NAMES[key]) out[rng.pick(WRONG_NAMES[key]!)] = value;
    else out[key] = value;
  }
  return out;
}

/** Broken JSON text for the arguments, in one of the ways small models break it. */
export function breakJson(args: Record<string, unknown>, rng: Random): string {
  const good = JSON.stringify(args);
  const style = rng.pick(['trailing_comma', 'single_quotes', 'missing_brace', 'unquoted_keys'] as const);
  switch (style) {
    case 'trailing_comma':
      return `${good.slice(0, -1)},}`;
    case 'missing_brace':
      return good.slice(0, -1);
    case 'unquoted_keys':
      return good.replace(/"([a-z_]+)":/g, '$1:');
    case 'single_quotes': {
      // Python-dict style: only when no value holds a single quote, else keep the keys only.
      const values = Object.values(args).map(String).join('');
      if (values.includes("'")) return good.replace(/"([a-z_]+)":/g, "'$1':");
      return `{${Object.entries(args)
        .map(([k, v]) => `'${k}': ${typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}'` : JSON.stringify(v)}`)
        .join(', ')}}`;
    }
  }
}

export function canReindent(args: Record<string, unknown>): boolean {
  return typeof args.search === 'string' && /^[ \t]+\S/m.test(args.search);
}

/** The search text with its indentation changed: stripped, halved, or tabs for spaces. */
export function reindentSearch(search: string, rng: Random): string {
  const style = rng.pick(['strip', 'halve', 'tabs', 'extra'] as const);
  return search
    .split('\n')
    .map((line) => {
      const indent = /^[ \t]*/.exec(line)![0];
      const rest = line.slice(indent.length);
      const width = indent.replace(/\t/g, '    ').length;
      if (style === 'strip') return rest;
      if (style === 'halve') return ' '.repeat(Math.floor(width / 2)) + rest;
      if (style === 'tabs') return '\t'.repeat(Math.round(width / 4)) + rest;
      return ' '.repeat(width + 2) + rest;
    })
    .join('\n');
}

/** Filler thinking, the rambling kind that eats a small model's budget. */
export function longThinking(tokens: number, rng: Random): string {
  const thoughts = [
    'Let me think about what the user wants here.',
    'Actually, wait. I should double-check the file structure before doing anything.',
    'Hmm, maybe the function is defined somewhere else, let me reconsider.',
    'The task says to change the file, but I need to be careful about the exact text.',
    'Let me re-read the task once more to make sure I understand it.',
    'Okay, so first I need to look at the code, then make the change, then verify it.',
    'But what if there are other places that depend on this? I should consider that too.',
  ];
  const out: string[] = [];
  let chars = 0;
  while (chars < tokens * 4) {
    const t = rng.pick(thoughts);
    out.push(t);
    chars += t.length + 1;
  }
  return out.join(' ');
}
