import { describe, expect, it } from 'vitest';
import { alignOutput, formatInstructions, runValidators, type TypeRef } from '../../../runtime/cognition/index.js';

const kinds: TypeRef = { kind: 'enum', values: ['coding', 'editing', 'search', 'question', 'chat'] };
const diagnosis: TypeRef = { kind: 'record', fields: [
  { name: 'category', type: { kind: 'enum', values: ['syntax_error', 'other'] } },
  { name: 'confidence', type: { kind: 'float' } },
  { name: 'files', type: { kind: 'list', item: { kind: 'string' } } },
  { name: 'note', type: { kind: 'optional', inner: { kind: 'string' } } },
] };

describe('output alignment', () => {
  it('matches enums case-insensitively, by unique prefix and inside a sentence', () => {
    expect(alignOutput('CODING', kinds)).toMatchObject({ ok: true, value: 'coding' });
    expect(alignOutput('edit', kinds)).toMatchObject({ ok: true, value: 'editing', fixes: [`matched "edit" to 'editing' by unique prefix`] });
    expect(alignOutput('This is a search task.', kinds)).toMatchObject({ ok: true, value: 'search' });
    expect(alignOutput('c', kinds)).toMatchObject({ ok: false });
    expect(alignOutput('coding or chat', kinds)).toMatchObject({ ok: false, error: 'expected one of coding, editing, search, question, chat, found "coding or chat"' });
  });

  it('coerces numbers and booleans from strings', () => {
    expect(alignOutput('  42 ', { kind: 'int' })).toMatchObject({ ok: true, value: 42 });
    expect(alignOutput('About 0.75.', { kind: 'float' })).toMatchObject({ ok: true, value: 0.75 });
    expect(alignOutput('Yes', { kind: 'bool' })).toMatchObject({ ok: true, value: true });
    expect(alignOutput('none', { kind: 'int' })).toMatchObject({ ok: false });
  });

  it('reads JSON out of prose and fences, repairs it and aligns each field', () => {
    const text = 'Sure! Here it is:\n```json\n{"Category": "Syntax_Error", "confidence": "0.8", "files": "a.ts",}\n```';
    const r = alignOutput(text, diagnosis);
    expect(r).toMatchObject({ ok: true, value: { category: 'syntax_error', confidence: 0.8, files: ['a.ts'], note: null } });
    expect(r.fixes).toEqual(expect.arrayContaining([
      'repaired malformed JSON', "matched field 'Category' to 'category'", 'took a single value as a one-element list at files',
    ]));
  });

  it('reports what is missing', () => {
    expect(alignOutput('{"category": "other"}', diagnosis)).toMatchObject({ ok: false, error: "missing field 'confidence'" });
    expect(alignOutput('no json here', diagnosis)).toMatchObject({ ok: false });
  });

  it('reads a plain-text list as a list', () => {
    expect(alignOutput('- a.ts\n- b.ts', { kind: 'list', item: { kind: 'string' } })).toMatchObject({ ok: true, value: ['a.ts', 'b.ts'] });
  });

  it('describes the expected format for templates', () => {
    expect(formatInstructions(kinds)).toBe('Answer with exactly one word, one of: coding, editing, search, question, chat.');
    expect(formatInstructions(diagnosis)).toContain('"category": "syntax_error"|"other"');
  });

  it('runs the declared validators', async () => {
    expect(await runValidators(['non_empty'], '  ', '  ')).toBe('the answer is empty');
    expect(await runValidators(['single_line'], 'a\nb', 'a\nb')).toBe('the answer must be a single line');
    expect(await runValidators(['schema_only', 'non_empty'], 'ok', 'ok')).toBeUndefined();
  });
});
