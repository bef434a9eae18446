/**
 * Before a turn first changes a file, its original is kept under
 * `.smallcode/snapshots/<session-id>/<turn>/` (bytes and mode, or "did not exist") with a
 * manifest, so `/undo` can put the project back as it was before that turn — even after a crash,
 * because nothing of it lives only in memory.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { TreeOriginal } from './tree-watch.js';
import { atomicWriteFile, STATE_DIR, Workspace, type ResolvedPath } from './workspace.js';

export interface SnapshotEntry {
  /** Project-relative path. */
  path: string;
  /** false: the turn created the file, so undoing the turn deletes it. */
  existed: boolean;
  mode?: number;
}

export interface SnapshotInfo {
  sessionId: string;
  turn: number;
  createdAt: string;
  files: SnapshotEntry[];
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function sessionDir(root: string, sessionId: string): string {
  if (!SESSION_ID.test(sessionId)) {
    throw new Error(`Invalid session id '${sessionId}': use letters, digits, '.', '_' or '-'.`);
  }
  return path.join(root, STATE_DIR, 'snapshots', sessionId);
}

function turnDir(root: string, sessionId: string, turn: number): string {
  if (!Number.isInteger(turn) || turn < 0) throw new Error(`Invalid turn ${turn}: a turn is a whole number from 0.`);
  return path.join(sessionDir(root, sessionId), String(turn));
}

/** Captures originals for one session, one folder per turn. */
export class TurnSnapshots {
  private turn = 0;
  private manifest: SnapshotInfo | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly workspace: Workspace,
    private readonly sessionId: string,
  ) {
    sessionDir(workspace.root, sessionId); // validates the id now rather than at the first write
  }

  beginTurn(turn: number): void {
    this.turn = turn;
    this.manifest = null;
  }

  /** Keeps the original of `target` unless this turn already has it. Serialised: calls may overlap. */
  capture(target: ResolvedPath): Promise<void> {
    return this.serial(() => this.captureNow(target));
  }

  /**
   * Keeps originals taken before the fact (what a shell command changed, from a TreeWatch),
   * unless this turn already has them.
   */
  record(originals: readonly TreeOriginal[]): Promise<void> {
    return this.serial(async () => {
      if (originals.length === 0) return;
      const dir = await this.dir();
      for (const o of originals) {
        if (this.manifest!.files.some((f) => f.path === o.rel)) continue;
        const entry: SnapshotEntry = { path: o.rel, existed: o.existed };
        if (o.existed && o.bytes) {
          entry.mode = o.mode;
          const copy = path.join(dir, 'files', o.rel);
          await fs.mkdir(path.dirname(copy), { recursive: true });
          await atomicWriteFile(copy, o.bytes);
        }
        this.manifest!.files.push(entry);
      }
      await fs.mkdir(dir, { recursive: true });
      await atomicWriteFile(path.join(dir, 'manifest.json'), `${JSON.stringify(this.manifest, null, 2)}\n`);
    });
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** This turn's folder, with its manifest loaded (or begun). */
  private async dir(): Promise<string> {
    const root = await this.workspace.realRootPath();
    const dir = turnDir(root, this.sessionId, this.turn);
    this.manifest ??= (await readManifest(dir)) ?? { sessionId: this.sessionId, turn: this.turn, createdAt: new Date().toISOString(), files: [] };
    return dir;
  }

  private async captureNow(target: ResolvedPath): Promise<void> {
    const dir = await this.dir();
    if (!this.manifest) return;
    if (this.manifest.files.some((f) => f.path === target.rel)) return;
    const st = await this.workspace.stat(target);
    const entry: SnapshotEntry = { path: target.rel, existed: st !== null };
    if (st?.isFile()) {
      const { bytes, mode } = await this.workspace.readBytes(target);
      entry.mode = mode & 0o7777;
      const copy = path.join(dir, 'files', target.rel);
      await fs.mkdir(path.dirname(copy), { recursive: true });
      await atomicWriteFile(copy, bytes);
    }
    this.manifest.files.push(entry);
    await fs.mkdir(dir, { recursive: true });
    await atomicWriteFile(path.join(dir, 'manifest.json'), `${JSON.stringify(this.manifest, null, 2)}\n`);
  }
}

/** The session's snapshots, oldest turn first. */
export async function listSnapshots(root: string, sessionId: string): Promise<SnapshotInfo[]> {
  const realRoot = await fs.realpath(root);
  const dir = sessionDir(realRoot, sessionId);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const turns = names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  const infos = await Promise.all(turns.map((t) => readManifest(turnDir(realRoot, sessionId, t))));
  return infos.filter((i): i is SnapshotInfo => i !== null);
}

/**
 * Puts every file the turn changed back as it was before the turn (files the turn created are
 * deleted), then removes that snapshot. Undo turns newest first: restoring an older turn also
 * overwrites later changes to the same files. A turn without a snapshot restores nothing.
 */
export async function restoreTurn(root: string, sessionId: string, turn: number): Promise<{ restored: string[]; deleted: string[] }> {
  const realRoot = await fs.realpath(root);
  const dir = turnDir(realRoot, sessionId, turn);
  const manifest = await readManifest(dir);
  const restored: string[] = [];
  const deleted: string[] = [];
  if (!manifest) return { restored, deleted };
  // Restores go through the workspace too: a manifest edited by hand cannot reach outside.
  const workspace = new Workspace(realRoot);
  for (const entry of manifest.files) {
    if (entry.existed) {
      const bytes = await fs.readFile(path.join(dir, 'files', entry.path));
      await workspace.writeText(entry.path, bytes, entry.mode);
      restored.push(entry.path);
    } else if (await workspace.remove(entry.path)) {
      deleted.push(entry.path);
    }
  }
  await fs.rm(dir, { recursive: true, force: true });
  return { restored, deleted };
}

async function readManifest(dir: string): Promise<SnapshotInfo | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as SnapshotInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
