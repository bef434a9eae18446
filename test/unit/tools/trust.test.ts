import { describe, expect, it } from 'vitest';
import { makeProject, makeRegistry, policyWith } from './helpers.js';

const badPatch = (n: number) => ({ name: 'patch', arguments: { path: 'a.txt', search: `not in the file ${n}`, replace: 'x' } });
const names = (tools: ReturnType<typeof makeRegistry>) => tools.definitions().map((d) => d.function.name);

describe('trust decay (patch: demote after 3 failures in a row, drop after 5)', () => {
  it('demotes a failing tool to the end of the schema list, then drops it for the task; the next task trusts it again', async () => {
    const root = makeProject({ 'a.txt': 'alpha\n' });
    const tools = makeRegistry(root);
    await tools.run({ name: 'read_file', arguments: { path: 'a.txt' } });
    expect(names(tools).indexOf('patch')).toBe(2);
    for (let i = 1; i <= 2; i++) expect((await tools.run(badPatch(i))).ok).toBe(false);
    expect(names(tools).indexOf('patch')).toBe(2);
    const third = await tools.run(badPatch(3));
    expect(third.output).toMatch(/patch has failed 3 times in a row\. Read the file again before retrying, or use write_file/);
    expect(names(tools).at(-1)).toBe('patch');
    await tools.run(badPatch(4));
    const fifth = await tools.run(badPatch(5));
    expect(fifth.output).toMatch(/disabled for this task/);
    expect(names(tools)).not.toContain('patch');
    const sixth = await tools.run({ name: 'patch', arguments: { path: 'a.txt', search: 'alpha', replace: 'beta' } });
    expect(sixth).toMatchObject({ ok: false });
    expect(sixth.output).toMatch(/^patch is disabled for this task after 5 failures in a row, so this call did not run\. Tools: read_file, write_file, bash/);
    expect(tools.callable().map((d) => d.function.name)).toContain('patch'); // still recognised, so the call is answered
    tools.beginTask();
    expect(names(tools)).toContain('patch');
    expect(await tools.run({ name: 'patch', arguments: { path: 'a.txt', search: 'alpha', replace: 'beta' } })).toMatchObject({ ok: true });
  });

  it('a success resets the count', async () => {
    const root = makeProject({ 'a.txt': 'alpha\n' });
    const tools = makeRegistry(root);
    await tools.run({ name: 'read_file', arguments: { path: 'a.txt' } });
    for (let i = 1; i <= 2; i++) await tools.run(badPatch(i));
    expect((await tools.run({ name: 'patch', arguments: { path: 'a.txt', search: 'alpha', replace: 'beta' } })).ok).toBe(true);
    for (let i = 3; i <= 4; i++) await tools.run(badPatch(i));
    expect(names(tools).indexOf('patch')).toBe(2);
  });

  it('does nothing for a tool without a trust policy, or with the policy removed', async () => {
    const root = makeProject({ 'a.txt': 'alpha\n' });
    const tools = makeRegistry(root, { policy: policyWith((p) => delete p.tools.patch!.trust) });
    await tools.run({ name: 'read_file', arguments: { path: 'a.txt' } });
    for (let i = 1; i <= 6; i++) await tools.run(badPatch(i));
    expect(names(tools).indexOf('patch')).toBe(2);
  });
});
