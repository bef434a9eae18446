/**
 * The user-facing doors to the back end: `smallcode bone compile|check` (the command module) and
 * the agent tools bone_compile / bone_check, on real files in a temporary project.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import bone from '../../../../runtime/cli/commands/bone.js';
import { boneCheckTool } from '../../../../runtime/tools/bone_check.js';
import { boneCompileTool } from '../../../../runtime/tools/bone_compile.js';

const TODO = `system Todo {
  entity Task {
    owns: [title: string, done: bool = false, priority: uint = 1]
    constraints: [title.length in 1..120, priority in 1..5]
    states: open -> doing -> finished
    auth: none
  }
}
`;
const BROKEN = `system Todo {
  entity Task {
    owns: [title: string, owner_id: uuid]
    relation owner: belongs_to Usr
  }
}
`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bone-commands-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
fs.writeFileSync(path.join(root, 'todo.bone'), TODO);
fs.writeFileSync(path.join(root, 'broken.bone'), BROKEN);

async function cli(args: string[], options: Record<string, unknown> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await bone({ args, options, cwd: root, env: {}, stdout, stderr });
  return { code, out, err };
}

describe('smallcode bone', () => {
  it('compile writes the project and says what to run next', async () => {
    const { code, out } = await cli(['compile', 'todo.bone'], { o: 'todo-api' });
    expect(code).toBe(0);
    expect(out).toMatch(/compiled todo\.bone → todo-api\/: \d+ added, 0 changed, 0 unchanged/);
    expect(out).toContain('new migration: 0001_init');
    expect(out).toContain('next: cd todo-api && npm install && npm test');
    expect(fs.existsSync(path.join(root, 'todo-api/src/entities/task.ts'))).toBe(true);
    const again = await cli(['compile', 'todo.bone'], { o: 'todo-api', json: true });
    const json = JSON.parse(again.out) as { ok: boolean; filesWritten: string[]; filesUnchanged: string[] };
    expect(json.ok).toBe(true);
    expect(json.filesWritten).toEqual([]);
    expect(json.filesUnchanged).toContain('src/entities/task.ts');
  });

  it('a file with errors generates nothing and exits 1 with positions', async () => {
    const { code, err } = await cli(['compile', 'broken.bone'], { o: 'broken-api' });
    expect(code).toBe(1);
    expect(err).toMatch(/broken\.bone:4:\d+: error BS\d+/);
    expect(err).toContain('nothing was generated');
    expect(fs.existsSync(path.join(root, 'broken-api'))).toBe(false);
  });

  it('check reports JSON diagnostics with positions', async () => {
    const { code, out } = await cli(['check', 'broken.bone'], { json: true });
    expect(code).toBe(1);
    const report = JSON.parse(out) as { ok: boolean; diagnostics: Array<{ line: number; code: string; message: string }> };
    expect(report.ok).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ line: 4 });
    expect(report.diagnostics[0]!.message).toContain('Usr');
    expect((await cli(['check', 'todo.bone'])).code).toBe(0);
  });

  it('check prints the warnings and migration errors compile prints, writing nothing', async () => {
    const noted = TODO.replace('auth: none\n  }', 'auth: none\n  }\n  event Finished { payload: { task_id: uuid, note: string } }\n  capability finish(task: Task) { effects: [task.state = "finished"] emits: Finished }');
    fs.writeFileSync(path.join(root, 'noted.bone'), noted);
    const checked = await cli(['check', 'noted.bone']);
    expect(checked.code).toBe(0);
    expect(checked.err).toMatch(/noted\.bone:\d+:\d+: warning BSE005: event Finished: 'note' is not a parameter/);
    expect(fs.existsSync(path.join(root, 'noted'))).toBe(false);
    const compiled = await cli(['compile', 'noted.bone'], { o: 'noted-api' });
    expect(compiled.out).toContain('warning BSE005');
    // A field whose type changed is refused by check too, against the schema compile kept.
    const retyped = noted.replace('done: bool = false', 'done: uint = 0');
    fs.writeFileSync(path.join(root, 'noted.bone'), retyped);
    const refused = await cli(['check', 'noted.bone'], { o: 'noted-api' });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('error BSE006: tasks.done changed type');
    expect(fs.readdirSync(path.join(root, 'noted-api/migrations/sqlite'))).toEqual(['0001_init.sql']);
  });

  it('usage errors exit 2', async () => {
    expect((await cli([])).code).toBe(2);
    expect((await cli(['build', 'todo.bone'])).code).toBe(2);
    expect((await cli(['compile', 'todo.bone'], { target: 'django' })).code).toBe(2);
    expect((await cli(['compile', 'missing.bone'])).code).toBe(2);
  });
});

describe('agent tools', () => {
  it('bone_compile returns the files it created, relative to the project', async () => {
    const result = await boneCompileTool.execute({ file: 'todo.bone', out_dir: 'api' }, { root });
    expect(result.ok, result.output).toBe(true);
    expect(result.filesCreated).toContain(path.join('api', 'src', 'entities', 'task.ts'));
    expect(result.filesEdited).toEqual([]);
    expect(result.output).toContain('npm install && npm test');
  });

  it('bone_compile refuses an output folder outside the project', async () => {
    const result = await boneCompileTool.execute({ file: 'todo.bone', out_dir: '../elsewhere' }, { root });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('outside the project');
  });

  it('bone_check lists every error with its line for the model to fix', async () => {
    const result = await boneCheckTool.execute({ file: 'broken.bone' }, { root });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/^broken\.bone: \d+ errors?\. Fix each/);
    expect(result.output).toMatch(/1\. broken\.bone:4:\d+: error BS\d+/);
    expect(result.output).toContain('relation owner: belongs_to Usr');
    expect((await boneCheckTool.execute({ file: 'todo.bone' }, { root })).ok).toBe(true);
    expect((await boneCheckTool.execute({}, { root })).output).toContain('give "file"');
  });

  it('bone_check shows the back end\'s warnings and migration errors too, as bone_compile would', async () => {
    const noted = TODO.replace('auth: none\n  }', 'auth: none\n  }\n  event Finished { payload: { task_id: uuid, note: string } }\n  capability finish(task: Task) { effects: [task.state = "finished"] emits: Finished }');
    fs.writeFileSync(path.join(root, 'tool-noted.bone'), noted);
    const checked = await boneCheckTool.execute({ file: 'tool-noted.bone' }, { root });
    expect(checked.ok, checked.output).toBe(true);
    expect(checked.output).toMatch(/warnings:\n1\. tool-noted\.bone:\d+:\d+: warning BSE005: event Finished: 'note' is not a parameter/);
    expect(fs.existsSync(path.join(root, 'tool-noted'))).toBe(false);
    expect((await boneCompileTool.execute({ file: 'tool-noted.bone', out_dir: 'tool-api' }, { root })).ok).toBe(true);
    fs.writeFileSync(path.join(root, 'tool-noted.bone'), noted.replace('done: bool = false', 'done: uint = 0'));
    const refused = await boneCheckTool.execute({ file: 'tool-noted.bone', out_dir: 'tool-api' }, { root });
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/error BSE006: tasks\.done changed type/);
    // Without out_dir it checks against the default output folder, which has no schema yet.
    expect((await boneCheckTool.execute({ file: 'tool-noted.bone' }, { root })).ok).toBe(true);
    expect((await boneCheckTool.execute({ file: 'tool-noted.bone', out_dir: '../x' }, { root })).output).toContain('outside the project');
  });
});

describe('stable extension points', () => {
  const STABLE = `system Fees {
  entity Task {
    owns: [title: string, price: uint = 0]
    auth: none
  }
  extension_point fee(task: Task) {
    returns: uint
    stable: true
  }
}
`;
  const WITH_MODULE = STABLE.replace('stable: true', 'stable: true\n    implementation: "fee.ts"');

  it('must be implemented: first in the .bone file or, after a compile, in the marked region', async () => {
    const dir = path.join(root, 'stable');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'fees.bone'), STABLE);
    const { compileBoneFile } = await import('../../../../compiler/bone/compile.js');
    const out = path.join(dir, 'out');
    const refused = await compileBoneFile(path.join(dir, 'fees.bone'), { outDir: out });
    expect(refused.ok).toBe(false);
    expect(refused.diagnostics.map((d) => d.code)).toContain('BS102');

    // With a module: it is copied into the project and the region calls it.
    fs.writeFileSync(path.join(dir, 'fee.ts'), 'export function fee(task: { price: number }): number {\n  return Math.ceil(task.price / 10);\n}\n');
    fs.writeFileSync(path.join(dir, 'fees.bone'), WITH_MODULE);
    const compiled = await compileBoneFile(path.join(dir, 'fees.bone'), { outDir: out });
    expect(compiled.ok, JSON.stringify(compiled.diagnostics)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'src/impl/fee.ts'), 'utf8')).toContain('Math.ceil');
    const extensions = fs.readFileSync(path.join(out, 'src/extensions.ts'), 'utf8');
    expect(extensions).toContain("await import('./impl/fee.js')");

    // A region someone filled by hand implements it too, so the module can go.
    fs.writeFileSync(path.join(out, 'src/extensions.ts'), extensions.replace(/(\/\/ <bone:extension fee>\n)[\s\S]*?(\n\s*\/\/ <\/bone:extension fee>)/, '$1  return task.price > 100 ? 5 : 1;$2'));
    fs.writeFileSync(path.join(dir, 'fees.bone'), STABLE);
    const again = await compileBoneFile(path.join(dir, 'fees.bone'), { outDir: out });
    expect(again.ok, JSON.stringify(again.diagnostics)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'src/extensions.ts'), 'utf8')).toContain('return task.price > 100 ? 5 : 1;');
  });
});
