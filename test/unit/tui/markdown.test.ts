import { describe, expect, it } from 'vitest';
import { MarkdownStream, renderMarkdown, ToolCallMarkupFilter } from '../../../runtime/tui/markdown.js';
import { createStyle, stripAnsi } from '../../../runtime/tui/style.js';

const color = createStyle(true);
const plain = createStyle(false);

describe('markdown in the terminal', () => {
  it('renders headings, lists, quotes and inline styles, dropping the markers', () => {
    const text = '# Title\n\nSome **bold**, *italic* and `code` with a [link](http://x.y).\n- one\n- [x] done\n1. first\n> quoted\n---\n';
    const out = stripAnsi(renderMarkdown(text, color)).split('\n');
    expect(out).toEqual([
      'Title', '', 'Some bold, italic and code with a link (http://x.y).', '• one', '• ☑ done', '1. first', '│ quoted', '─'.repeat(24),
    ]);
    expect(renderMarkdown('**bold**', color)).toContain('\x1b[1m');
  });

  it('highlights fenced code by language and leaves markdown inside it alone', () => {
    const out = renderMarkdown('```ts\nconst x = "**not bold**"; // note\n```', color);
    const lines = out.split('\n');
    expect(stripAnsi(lines[0]!)).toBe('  ┌─ ts');
    expect(stripAnsi(lines[1]!)).toBe('  │ const x = "**not bold**"; // note');
    expect(lines[1]).toMatch(/\x1b\[35mconst/); // keyword coloured
    expect(lines[1]).toMatch(/\x1b\[32m"\*\*not bold\*\*"/); // string coloured, stars kept
    expect(stripAnsi(lines[2]!)).toBe('  └─');
  });

  it('renders a line only once it is complete, whatever the chunking', () => {
    const seen: string[] = [];
    const s = new MarkdownStream(plain, (l) => seen.push(l));
    for (const piece of ['Hel', 'lo **wo', 'rld**\n- it', 'em\n```', 'py\nx = 1\n``', '`\ntail']) s.push(piece);
    expect(seen).toEqual(['Hello world', '• item', '  ┌─ py', '  │ x = 1', '  └─']);
    expect(s.pending).toBe('tail');
    s.end();
    expect(seen.at(-1)).toBe('tail');
  });

  it('without colour keeps backticks so code still reads as code, and emits no escapes', () => {
    const out = renderMarkdown('Run `npm test` now.\n```js\nlet a = 1;\n```', plain);
    expect(out).toBe('Run `npm test` now.\n  ┌─ js\n  │ let a = 1;\n  └─');
    expect(out).not.toMatch(/\x1b/);
  });
});

describe('tool calls written as text', () => {
  it('are hidden from the rendered reply, whatever the wrapper, the text around them stays', () => {
    const lines: string[] = [];
    const filter = new ToolCallMarkupFilter();
    const s = new MarkdownStream(plain, (l) => lines.push(l), (raw) => filter.keep(raw));
    s.push('I will write the file.\n<tool_call>\n{"name": "write_file",\n "arguments": {}}\n</tool_call>\n');
    s.push('<function=bash>{"command": "ls"}</function>\n[TOOL_CALLS] [{"name": "x"}]\nAfter the calls.\n');
    s.end();
    expect(lines).toEqual(['I will write the file.', 'After the calls.']);
    expect(ToolCallMarkupFilter.startsCall('<tool_ca')).toBe(true);
    expect(ToolCallMarkupFilter.startsCall('Plain text')).toBe(false);
  });
});

describe('tables', () => {
  it('align their columns once the table is complete, header bold, rule drawn', () => {
    const lines: string[] = [];
    const s = new MarkdownStream(color, (l) => lines.push(stripAnsi(l)));
    s.push('| name | size |\n|---|---:|\n| `a.ts` | 10 |\n| **big-file.ts** | 2000 |\nafter\n');
    s.end();
    expect(lines).toEqual([
      '  name        │ size',
      '  ────────────┼─────',
      '  a.ts        │ 10  ',
      '  big-file.ts │ 2000',
      'after',
    ]);
  });
});
