import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../support/scripted-server.js';
import { runTask, withProject } from './helpers.js';

/** A Python module of about 3,000 tokens: two imports, then 60 functions of 4 lines (function k starts on line 5k). */
const PARSERS = [
  'import json',
  'import os',
  '',
  '',
  ...Array.from({ length: 60 }, (_, i) => [
    `def parse_record_${i + 1}(line):`,
    `    """Parse a record of kind ${i + 1}."""`,
    `    fields = line.split(',')  # body of parse_record_${i + 1}`,
    `    return {'kind': ${i + 1}, 'fields': fields, 'size': len(fields)}`,
    '',
  ]).flat(),
].join('\n');

function toolResult(req: RecordedRequest): string {
  const last = req.body.messages.at(-1) as { role: string; content: string };
  expect(last.role).toBe('tool');
  return last.content;
}

const readThenRange = [
  { toolCalls: [{ name: 'read_file', arguments: { path: 'parsers.py' } }] },
  { toolCalls: [{ name: 'read_file', arguments: { path: 'parsers.py', start_line: 185, end_line: 188 } }] },
  { content: 'parse_record_37 splits the line on commas.' },
];

describe('the read guard, through the CLI', () => {
  it('answers a whole-file read of a big file with an outline in a 4096-token window, then a range with its lines', async () => {
    await withProject({ 'parsers.py': PARSERS }, { turns: readThenRange }, async (dir, server) => {
      const r = await runTask(server, dir, 'what does parse_record_37 do?', [], { SMALLCODE_CONTEXT_WINDOW: '4096' });
      expect(r.code, r.stderr).toBe(0);
      const [, afterRead, afterRange] = server.chatRequests();
      const outline = toolResult(afterRead!);
      expect(outline).toMatch(/^parsers\.py: 303 lines, about \d+ tokens — not shown whole: over 50% of the 4096-token context window\./);
      expect(outline).toContain('  1\timport json');
      expect(outline).toContain('185\tdef parse_record_37(line):');
      expect(outline).toContain('Read a range with read_file start_line/end_line');
      expect(outline).not.toContain('body of parse_record');
      expect(toolResult(afterRange!)).toBe(
        [
          'parsers.py (lines 185-188 of 303)',
          '185\tdef parse_record_37(line):',
          '186\t    """Parse a record of kind 37."""',
          "187\t    fields = line.split(',')  # body of parse_record_37",
          "188\t    return {'kind': 37, 'fields': fields, 'size': len(fields)}",
        ].join('\n'),
      );
    });
  });

  it('reads the same file as before when the window is large enough', async () => {
    await withProject({ 'parsers.py': PARSERS }, { turns: readThenRange }, async (dir, server) => {
      const r = await runTask(server, dir, 'what does parse_record_37 do?', [], { SMALLCODE_CONTEXT_WINDOW: '32768' });
      expect(r.code, r.stderr).toBe(0);
      const page = toolResult(server.chatRequests()[1]!);
      expect(page).toMatch(/^parsers\.py \(lines 1-\d+ of 303\)\n  1\timport json/);
      expect(page).toContain('body of parse_record_1');
    });
  });
});
