/**
 * The project's `.smallcode/` folder: created once with a `.gitignore` of `*` (it holds whole
 * conversations, traces and snapshots — never meant for the repository; the least intrusive way
 * to keep it out is a file inside it, not an edit of the project's own .gitignore), and
 * `state.json`, the small things the terminal remembers for the project (the model chosen last).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from '../tools/workspace.js';

export interface ProjectState {
  /** The model chosen last in the terminal (picker or /model), offered again without asking. */
  model?: string;
}

/** Creates `.smallcode/` (and its `.gitignore`) if missing; returns its path. Never throws. */
export function ensureStateDir(root: string): string {
  const dir = join(root, STATE_DIR);
  try {
    mkdirSync(dir, { recursive: true });
    const ignore = join(dir, '.gitignore');
    if (!existsSync(ignore)) writeFileSync(ignore, '# SmallCode\'s own state (sessions, traces, snapshots): not part of the project.\n*\n');
  } catch {
    // A read-only project: whatever writes there later reports its own error.
  }
  return dir;
}

export function readProjectState(root: string): ProjectState {
  try {
    const value: unknown = JSON.parse(readFileSync(join(root, STATE_DIR, 'state.json'), 'utf8'));
    if (!value || typeof value !== 'object') return {};
    const model = (value as { model?: unknown }).model;
    return typeof model === 'string' && model ? { model } : {};
  } catch {
    return {}; // none yet, or unreadable: nothing is remembered
  }
}

export function writeProjectState(root: string, patch: ProjectState): void {
  const dir = ensureStateDir(root);
  const path = join(dir, 'state.json');
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify({ ...readProjectState(root), ...patch }, null, 2)}\n`);
    renameSync(tmp, path);
  } catch {
    // Remembering is a convenience: a failure costs one question next time, nothing else.
  }
}
