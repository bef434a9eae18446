/**
 * Which shell commands run without asking: a read-only allowlist (listing, reading, git
 * inspection, test runners), the commands the user chose to always allow in this project
 * (`.smallcode/approvals.json`), or everything with `--yes`. Anything that could write — a
 * redirection, a command substitution, a program not on the list — is asked about.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Programs that only read, whatever their arguments (within the checks below). */
const READ_ONLY_PROGRAMS = new Set([
  'ls', 'cat', 'head', 'tail', 'wc', 'pwd', 'echo', 'printf', 'grep', 'egrep', 'fgrep', 'rg', 'tree', 'file', 'stat', 'du', 'df',
  'which', 'whoami', 'date', 'uname', 'env', 'printenv', 'basename', 'dirname', 'realpath', 'readlink', 'diff', 'cmp', 'sort',
  'uniq', 'cut', 'tr', 'nl', 'less', 'more', 'true', 'false', 'test', 'type', 'id', 'hostname', 'md5sum', 'sha256sum', 'jq',
]);

/** Programs that are read-only only with some subcommands (the first words after the program). */
const READ_ONLY_SUBCOMMANDS: Record<string, string[]> = {
  git: ['status', 'diff', 'log', 'show', 'branch', 'blame', 'rev-parse', 'ls-files', 'remote', 'describe', 'shortlog', 'grep'],
  npm: ['test', 't', 'run test', 'ls', 'list', 'outdated', 'view', 'why'],
  pnpm: ['test', 'run test', 'ls', 'list', 'why'],
  yarn: ['test', 'run test', 'list', 'why'],
  bun: ['test', 'run test'],
  npx: ['vitest', 'jest', 'mocha', 'tsc --noEmit', 'eslint', 'prettier --check'],
  node: ['--version', '-v'],
  python: ['-m pytest', '-m unittest', '--version'],
  python3: ['-m pytest', '-m unittest', '--version'],
  cargo: ['test', 'check', 'clippy', 'tree', '--version'],
  go: ['test', 'vet', 'version', 'list', 'env'],
  dotnet: ['test', '--version'],
  mvn: ['test', '-v', '--version'],
  gradle: ['test', '--version'],
  make: ['test', 'check', '-n'],
};

/** Test runners and checkers that are read-only on their own. */
const READ_ONLY_RUNNERS = new Set(['pytest', 'vitest', 'jest', 'mocha', 'tsc', 'ruff', 'mypy', 'eslint', 'rspec', 'phpunit']);

/** Flags that make a listed program write or execute something. */
const WRITING_FLAGS: Record<string, RegExp> = {
  tsc: /^(?!.*--noEmit)/,
  eslint: /--fix/,
  ruff: /--fix|\bformat\b/,
  sort: /(^|\s)-o(\s|$)|--output/,
  env: /\S/, // `env X=1 cmd` runs cmd: only the bare listing is read-only
  find: /-exec|-execdir|-delete|-ok|-fprint/,
};

/**
 * True when every part of the command only reads. Pipes, `&&`, `||` and `;` are allowed between
 * read-only parts; redirection to a file, `$(…)`, backticks, and subshells are not.
 */
export function isReadOnlyCommand(command: string): boolean {
  const text = command.trim();
  if (!text) return false;
  // Writes to files, substitutions and background jobs always ask. `2>&1` and `>/dev/null` are harmless.
  const withoutHarmless = text.replace(/\d?>&\d/g, '').replace(/\d?>\s*\/dev\/null/g, '');
  if (/[>`]|\$\(|<\(|&(?!&)|\(|\)/.test(withoutHarmless.replace(/&&/g, ''))) return false;
  const parts = withoutHarmless.split(/&&|\|\||;|\||\n/).map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return false;
  return parts.every(isReadOnlyPart);
}

function isReadOnlyPart(part: string): boolean {
  const words = part.split(/\s+/);
  // Leading VAR=value assignments only set the environment of the command.
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
  const program = words[0]?.replace(/^.*\//, '');
  if (!program) return false;
  const rest = words.slice(1).join(' ');
  const writing = WRITING_FLAGS[program];
  if (writing?.test(rest)) return false;
  if (program === 'find') return true;
  if (READ_ONLY_PROGRAMS.has(program) || READ_ONLY_RUNNERS.has(program)) return true;
  const subs = READ_ONLY_SUBCOMMANDS[program];
  if (!subs) return false;
  return subs.some((sub) => rest === sub || rest.startsWith(`${sub} `));
}

/** Commands the user chose to always allow in this project, kept in `.smallcode/approvals.json`. */
export class ProjectApprovals {
  private commands: Set<string>;
  /** Tools (MCP tools, by their full name) the user chose to always allow in this project. */
  private tools: Set<string>;

  constructor(private readonly root: string) {
    this.commands = new Set(readApprovals(this.file));
    this.tools = new Set(readApprovals(this.file, 'alwaysAllowTools'));
  }

  hasTool(name: string): boolean {
    return this.tools.has(name);
  }

  addTool(name: string): void {
    this.tools.add(name);
    this.save();
  }

  get file(): string {
    return join(this.root, '.smallcode', 'approvals.json');
  }

  has(command: string): boolean {
    return this.commands.has(normalizeCommand(command));
  }

  add(command: string): void {
    this.commands.add(normalizeCommand(command));
    this.save();
  }

  private save(): void {
    mkdirSync(join(this.root, '.smallcode'), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const tools = this.tools.size ? { alwaysAllowTools: [...this.tools].sort() } : {};
    writeFileSync(tmp, `${JSON.stringify({ alwaysAllow: [...this.commands].sort(), ...tools }, null, 2)}\n`);
    renameSync(tmp, this.file);
  }

  list(): string[] {
    return [...this.commands];
  }
}

function readApprovals(file: string, key: 'alwaysAllow' | 'alwaysAllowTools' = 'alwaysAllow'): string[] {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const list = data[key];
    return Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

/** Spacing differences do not make two commands different. */
export function normalizeCommand(command: string): string {
  return command.trim().replace(/\s+/g, ' ');
}

export type ApprovalChoice = 'once' | 'always' | 'deny';

export type ApprovalDecision =
  | { run: true; why: 'yes-flag' | 'policy-never' | 'sandboxed' | 'read-only' | 'always-allowed' | 'approved' }
  | { run: false; why: 'denied' };

/**
 * SMALLCODE_APPROVAL: `never` asks about nothing; `on-request` asks only about commands no
 * sandbox confines; `untrusted` asks about every command not on the read-only allowlist or the
 * project's always-allow list.
 */
export type ApprovalPolicy = 'never' | 'on-request' | 'untrusted';

/** The policy, without the asking: who decides for one command. `yes` (--yes) is `never`. */
export async function decideApproval(
  command: string,
  opts: { yes?: boolean; policy?: ApprovalPolicy; sandboxed?: boolean; approvals: ProjectApprovals; ask: (command: string) => Promise<ApprovalChoice> },
): Promise<ApprovalDecision> {
  if (opts.yes) return { run: true, why: 'yes-flag' };
  const policy = opts.policy ?? 'untrusted';
  if (policy === 'never') return { run: true, why: 'policy-never' };
  if (policy === 'on-request' && opts.sandboxed) return { run: true, why: 'sandboxed' };
  if (isReadOnlyCommand(command)) return { run: true, why: 'read-only' };
  if (opts.approvals.has(command)) return { run: true, why: 'always-allowed' };
  const choice = await opts.ask(command);
  if (choice === 'deny') return { run: false, why: 'denied' };
  if (choice === 'always') opts.approvals.add(command);
  return { run: true, why: 'approved' };
}

/**
 * The same rule for a tool that asks (an MCP tool of an untrusted server): `--yes`, then the
 * tools always allowed in this project, then the user — once, always for this tool, or deny.
 */
export async function decideToolApproval(
  tool: string,
  opts: { yes: boolean; approvals: ProjectApprovals; ask: (tool: string) => Promise<ApprovalChoice> },
): Promise<ApprovalDecision> {
  if (opts.yes) return { run: true, why: 'yes-flag' };
  if (opts.approvals.hasTool(tool)) return { run: true, why: 'always-allowed' };
  const choice = await opts.ask(tool);
  if (choice === 'deny') return { run: false, why: 'denied' };
  if (choice === 'always') opts.approvals.addTool(tool);
  return { run: true, why: 'approved' };
}
