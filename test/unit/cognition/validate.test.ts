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

  it('reads an optional structured answer given as null', () => {
    expect(alignOutput('null', { kind: 'optional', inner: diagnosis })).toMatchObject({ ok: true, value: null });
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

const plan: TypeRef = { kind: 'list', item: { kind: 'record', fields: [
  { name: 'step', type: { kind: 'string' } },
  { name: 'check', type: { kind: 'enum', values: ['lint', 'compile', 'test', 'none'] } },
] } };
const keyed: TypeRef = { kind: 'record', fields: [{ name: 'key', type: { kind: 'string' } }] };

describe('output alignment: small-model messiness', () => {
  it('takes an enum value standing first with an explanation after it', () => {
    const r = alignOutput('Coding - the user wants a new function written.', kinds);
    expect(r).toMatchObject({ ok: true, value: 'coding', fixes: [`took the leading 'coding' from "Coding - the user wants a new function written."`] });
    expect(alignOutput('**Search**: they want to find where a symbol is used', kinds)).toMatchObject({ ok: true, value: 'search' });
    expect(alignOutput('Chat, not coding.', kinds)).toMatchObject({ ok: true, value: 'chat' });
    // Words after the value (no punctuation) are not an explanation: still ambiguous.
    expect(alignOutput('coding-related question', kinds)).toMatchObject({ ok: false });
  });

  it('strips quotes, bullets and punctuation around an enum value and ignores separators', () => {
    expect(alignOutput('"Question".', kinds)).toMatchObject({ ok: true, value: 'question', fixes: [`matched "\\"Question\\"." to 'question' ignoring case`] });
    expect(alignOutput('1. chat', kinds)).toMatchObject({ ok: true, value: 'chat' });
    const categories: TypeRef = { kind: 'enum', values: ['missing_dependency', 'syntax_error', 'other'] };
    expect(alignOutput('Syntax Error', categories)).toMatchObject({ ok: true, value: 'syntax_error' });
    expect(alignOutput('The module is not installed: a missing-dependency problem.', categories)).toMatchObject({ ok: true, value: 'missing_dependency', fixes: [expect.stringContaining("found 'missing_dependency'")] });
  });

  it('reads booleans written first, in bold or in a sentence, and refuses contradictions', () => {
    expect(alignOutput('False.\n\nThe statement "2 + 2 = 5" is wrong.', { kind: 'bool' })).toMatchObject({ ok: true, value: false, fixes: [expect.stringContaining('read the leading "False"')] });
    expect(alignOutput('No - the file does not exist.', { kind: 'bool' })).toMatchObject({ ok: true, value: false });
    expect(alignOutput('The tests cover it.\n\nAnswer: **True**', { kind: 'bool' })).toMatchObject({ ok: true, value: true, fixes: [expect.stringContaining('found true in')] });
    expect(alignOutput('Is it true that it compiles? No.', { kind: 'bool' })).toMatchObject({ ok: false });
    expect(alignOutput('That is not true.', { kind: 'bool' })).toMatchObject({ ok: false });
    expect(alignOutput('constructor', { kind: 'bool' })).toEqual({ ok: false, error: 'expected true or false, found "constructor"', fixes: [] });
  });

  it('reads numbers written as percentages, fractions, strings and with a leading dot', () => {
    expect(alignOutput('90%', { kind: 'float' })).toMatchObject({ ok: true, value: 0.9, fixes: ['read 90% from "90%" as 0.9'] });
    expect(alignOutput('Confidence: 4/5', { kind: 'float' })).toMatchObject({ ok: true, value: 0.8, fixes: [expect.stringContaining('read the fraction 4/5')] });
    expect(alignOutput('confidence .9', { kind: 'float' })).toMatchObject({ ok: true, value: 0.9 });
    expect(alignOutput('90%', { kind: 'int' })).toMatchObject({ ok: true, value: 90 });
    expect(alignOutput('12,111.5', { kind: 'float' })).toMatchObject({ ok: true, value: 12111.5 });
    const scored: TypeRef = { kind: 'record', fields: [{ name: 'confidence', type: { kind: 'float' } }] };
    expect(alignOutput('{"confidence": "85%"}', scored)).toMatchObject({ ok: true, value: { confidence: 0.85 } });
  });

  it('unwraps a scalar answered as JSON: a one-field object or a one-element list', () => {
    expect(alignOutput('{"task_type": "editing"}', kinds)).toMatchObject({ ok: true, value: 'editing', fixes: ['read the answer from JSON', "took the value of the only field 'task_type'"] });
    expect(alignOutput('["search"]', kinds)).toMatchObject({ ok: true, value: 'search', fixes: expect.arrayContaining(['took the only element of a one-element list']) });
    expect(alignOutput('[{"key": "v"}]', keyed)).toMatchObject({ ok: true, value: { key: 'v' }, fixes: expect.arrayContaining(['took the only element of a one-element list']) });
    expect(alignOutput('{"count": 3}', { kind: 'int' })).toMatchObject({ ok: true, value: 3 });
  });

  it('wraps a single item where a list is expected and unwraps a list inside an envelope', () => {
    expect(alignOutput('{"step": "run the tests", "check": "Test"}', plan)).toMatchObject({ ok: true, value: [{ step: 'run the tests', check: 'test' }], fixes: expect.arrayContaining(['took a single value as a one-element list']) });
    const wrapped = alignOutput('{"steps": [{"step": "edit a.ts", "check": "compile"}, {"step": "run tests", "check": "test"}]}', plan);
    expect(wrapped).toMatchObject({ ok: true, value: [{ step: 'edit a.ts', check: 'compile' }, { step: 'run tests', check: 'test' }], fixes: ["took the list from the only field 'steps'"] });
  });

  it('matches keys across case, spaces, dashes and camelCase, but not ambiguously', () => {
    const command: TypeRef = { kind: 'record', fields: [{ name: 'file_name', type: { kind: 'string' } }, { name: 'exit_code', type: { kind: 'int' } }] };
    const r = alignOutput('{"fileName": "a.ts", "Exit Code": "2"}', command);
    expect(r).toMatchObject({ ok: true, value: { file_name: 'a.ts', exit_code: 2 } });
    expect(r.fixes).toEqual(expect.arrayContaining(["matched field 'fileName' to 'file_name'", "matched field 'Exit Code' to 'exit_code'"]));
    expect(alignOutput('{"fileName": "a.ts", "File-Name": "b.ts", "exit_code": 1}', command)).toMatchObject({ ok: false, error: "missing field 'file_name'" });
  });

  it('takes a record out of an envelope field that names none of its fields', () => {
    expect(alignOutput('{"diagnosis": {"category": "other", "confidence": 0.5, "files": []}}', diagnosis))
      .toMatchObject({ ok: true, value: { category: 'other', confidence: 0.5, files: [], note: null }, fixes: ["took the object inside the field 'diagnosis'"] });
  });

  it('picks, among several JSON values and fences, the first that fits the type', () => {
    const text = 'First try:\n```json\n{"category": "other"}\n```\nCorrected:\n```json\n{"category": "other", "confidence": 0.4, "files": []}\n```';
    expect(alignOutput(text, diagnosis)).toMatchObject({ ok: true, value: { confidence: 0.4 }, fixes: expect.arrayContaining(['took JSON value 2 of 2, the first that fits the type']) });
    expect(alignOutput('prefix {"key": "v1"} then {"key": "v2"} suffix', keyed)).toMatchObject({ ok: true, value: { key: 'v1' }, fixes: ['took the JSON out of surrounding prose'] });
    const ints: TypeRef = { kind: 'list', item: { kind: 'int' } };
    expect(alignOutput('Here:\n```json\n{"key": "value"}\n```\nand\n```json\n["1", "2"]\n```', ints)).toMatchObject({ ok: true, value: [1, 2] });
  });

  it('collects JSON values written one after another into a list', () => {
    const keys: TypeRef = { kind: 'list', item: keyed };
    expect(alignOutput('{"key": "v1"}\n\n{"key": "v2"}', keys)).toMatchObject({ ok: true, value: [{ key: 'v1' }, { key: 'v2' }], fixes: ['collected 2 separate JSON values into a list'] });
  });

  it('reads JSON from a fence the reply was cut off in', () => {
    expect(alignOutput('Sure:\n```json\n{"category": "other", "confidence": 0.3, "files": ["a.ts"', diagnosis))
      .toMatchObject({ ok: true, value: { category: 'other', confidence: 0.3, files: ['a.ts'] }, fixes: expect.arrayContaining(['repaired malformed JSON']) });
  });

  it('joins thousands separators inside JSON numbers', () => {
    const amounts: TypeRef = { kind: 'record', fields: [{ name: 'amount', type: { kind: 'float' } }, { name: 'count', type: { kind: 'int' } }] };
    expect(alignOutput('{"amount": -2,000.50, "count": 1,234}', amounts)).toMatchObject({ ok: true, value: { amount: -2000.5, count: 1234 }, fixes: ['repaired malformed JSON'] });
  });

  it('reads fields by name when the values are unquoted prose that JSON repair cannot save', () => {
    const answer: TypeRef = { kind: 'record', fields: [{ name: 'ok', type: { kind: 'bool' } }, { name: 'fix', type: { kind: 'string' } }] };
    const text = '{\n  "ok": false,\n  "fix": **Install it** first: run "npm install zod",\nthen run the tests again.\n}';
    expect(alignOutput(text, answer)).toMatchObject({
      ok: true,
      value: { ok: false, fix: '**Install it** first: run "npm install zod",\nthen run the tests again.' },
      fixes: expect.arrayContaining(['read the fields by name from JSON that could not be repaired']),
    });
  });
});
