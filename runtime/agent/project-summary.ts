/**
 * The project summary: a few lines about the project (language, runtime, package manager,
 * frameworks, entry point, build/test/run commands) plus its AGENTS.md, injected into the system
 * prompt at the start of a session so a small model does not spend tool calls discovering them.
 *
 * It reads the root listing and a handful of small manifests — never the whole tree — so it
 * costs a few milliseconds. Broken manifests are reported in the notes, never thrown.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';

export interface ProjectSummary {
  languages: string[];
  runtime?: string;
  packageManager?: string;
  frameworks: string[];
  entryPoint?: string;
  commands: { build?: string; test?: string; run?: string; lint?: string };
  /** AGENTS.md, or CLAUDE.md when there is no AGENTS.md, capped at INSTRUCTIONS_CAP characters. */
  instructions?: { file: string; text: string };
  /** Short remarks: monorepo layout, unreadable manifests, disabled tests. */
  notes: string[];
  /** The compact rendering of the facts for the prompt (the instructions are NOT in it: inject them separately). */
  text: string;
}

export const INSTRUCTIONS_CAP = 2_000;
const MANIFEST_CAP = 256 * 1024; // a manifest bigger than this is not a manifest we can use
const MAX_FRAMEWORKS = 6;

type Commands = ProjectSummary['commands'];

/** What one ecosystem's manifests say. */
interface Ecosystem {
  name: string;
  languages: string[];
  runtime?: string;
  packageManager?: string;
  frameworks: string[];
  entryPoint?: string;
  commands: Commands;
  notes: string[];
  /** A manifest that only carries tooling (e.g. a package.json for prettier in a Python repo). */
  toolingOnly?: boolean;
}

/** Reads small files relative to the root, caching directory listings. Never throws. */
class ProjectFiles {
  private listings = new Map<string, Promise<string[]>>();
  constructor(readonly root: string) {}

  list(dir = '.'): Promise<string[]> {
    let listing = this.listings.get(dir);
    if (!listing) {
      listing = readdir(path.join(this.root, dir), { withFileTypes: true }).then(
        (entries) => entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)),
        () => [],
      );
      this.listings.set(dir, listing);
    }
    return listing;
  }

  async has(rel: string): Promise<boolean> {
    const dir = path.posix.dirname(rel);
    const base = path.posix.basename(rel);
    const names = await this.list(dir);
    return names.includes(base) || names.includes(`${base}/`);
  }

  async read(rel: string): Promise<string | undefined> {
    if (!(await this.has(rel))) return undefined;
    try {
      const text = await readFile(path.join(this.root, rel), 'utf8');
      return text.length > MANIFEST_CAP ? undefined : text;
    } catch {
      return undefined;
    }
  }
}

export async function summarizeProject(root: string, env: NodeJS.ProcessEnv = process.env): Promise<ProjectSummary> {
  const files = new ProjectFiles(root);
  const rootNames = await files.list();
  const found = (
    await Promise.all([node(files, rootNames), python(files, rootNames), rust(files), go(files, rootNames), dotnet(files, rootNames), jvm(files, rootNames), ruby(files, rootNames)])
  ).filter((e): e is Ecosystem => e !== undefined);

  // A tooling-only package.json must not hide the real project next to it.
  found.sort((a, b) => Number(a.toolingOnly ?? false) - Number(b.toolingOnly ?? false));
  const primary = found[0];
  const commands: Commands = { ...(primary?.commands ?? {}) };
  if (!commands.test) commands.test = await makeTarget(files, 'test');
  const notes = found.flatMap((e) => e.notes);

  const testOverride = testCommandOverride(env);
  if (testOverride.disabled) {
    delete commands.test;
    notes.push('tests disabled (SMALLCODE_TEST_DISABLE)');
  } else if (testOverride.command) {
    commands.test = testOverride.command;
  }

  const summary: ProjectSummary = {
    languages: unique(found.flatMap((e) => e.languages)),
    runtime: primary?.runtime,
    packageManager: primary?.packageManager,
    frameworks: unique(found.flatMap((e) => e.frameworks)).slice(0, MAX_FRAMEWORKS),
    entryPoint: primary?.entryPoint,
    commands: dropEmpty(commands),
    instructions: await instructions(files, rootNames),
    notes,
    text: '',
  };
  summary.text = render(summary, rootNames.length);
  // An empty directory differs from a missing one for the model: say which.
  if (rootNames.length === 0 && !(await exists(root))) summary.text = 'Project: the directory does not exist.';
  return summary;
}

export async function detectTestCommand(root: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const override = testCommandOverride(env);
  if (override.disabled) return undefined;
  if (override.command) return override.command;
  return (await summarizeProject(root, env)).commands.test;
}

function testCommandOverride(env: NodeJS.ProcessEnv): { disabled: boolean; command?: string } {
  const disable = env.SMALLCODE_TEST_DISABLE?.trim().toLowerCase();
  if (disable === 'true' || disable === '1') return { disabled: true };
  const runner = env.SMALLCODE_TEST_RUNNER?.trim();
  return { disabled: false, command: runner || undefined };
}

// ---------------------------------------------------------------- rendering

function render(s: ProjectSummary, rootEntries: number): string {
  const lines: string[] = [];
  if (s.languages.length === 0) {
    lines.push(rootEntries === 0 ? 'Project: empty directory.' : 'Project: no recognised manifest at the root.');
  } else {
    lines.push(`Project: ${[s.languages.join(' + '), s.runtime, s.packageManager].filter(Boolean).join(' · ')}`);
  }
  if (s.frameworks.length) lines.push(`Frameworks: ${s.frameworks.join(', ')}`);
  if (s.entryPoint) lines.push(`Entry: ${s.entryPoint}`);
  const order: Array<keyof Commands> = ['test', 'build', 'run', 'lint'];
  const commands = order.filter((k) => s.commands[k]).map((k) => `${k} \`${s.commands[k]}\``);
  if (commands.length) lines.push(`Commands: ${commands.join(' · ')}`);
  for (const note of s.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}

async function instructions(files: ProjectFiles, rootNames: string[]): Promise<ProjectSummary['instructions']> {
  for (const wanted of ['AGENTS.md', 'CLAUDE.md']) {
    const name = rootNames.find((n) => n.toLowerCase() === wanted.toLowerCase());
    if (!name) continue;
    const text = (await files.read(name))?.trim();
    if (!text) continue;
    return { file: name, text: text.length > INSTRUCTIONS_CAP ? `${text.slice(0, INSTRUCTIONS_CAP)}\n… (${name} truncated)` : text };
  }
  return undefined;
}

async function makeTarget(files: ProjectFiles, target: string): Promise<string | undefined> {
  const makefile = (await files.read('Makefile')) ?? (await files.read('makefile'));
  return makefile && new RegExp(`^${target}\\s*:`, 'm').test(makefile) ? `make ${target}` : undefined;
}

// ---------------------------------------------------------------- Node

const NODE_FRAMEWORKS: Array<[dep: string, label: string]> = [
  ['next', 'Next.js'],
  ['nuxt', 'Nuxt'],
  ['@remix-run/react', 'Remix'],
  ['astro', 'Astro'],
  ['@angular/core', 'Angular'],
  ['react', 'React'],
  ['vue', 'Vue'],
  ['svelte', 'Svelte'],
  ['solid-js', 'Solid'],
  ['@nestjs/core', 'NestJS'],
  ['express', 'Express'],
  ['fastify', 'Fastify'],
  ['koa', 'Koa'],
  ['hono', 'Hono'],
  ['electron', 'Electron'],
  ['vite', 'Vite'],
  ['vitest', 'Vitest'],
  ['jest', 'Jest'],
  ['mocha', 'Mocha'],
  ['@playwright/test', 'Playwright'],
];

// npm's `npm init` placeholder, which always fails.
const NPM_PLACEHOLDER_TEST = /no test specified/;

async function node(files: ProjectFiles, rootNames: string[]): Promise<Ecosystem | undefined> {
  if (!rootNames.includes('package.json')) return undefined;
  const notes: string[] = [];
  let pkg: Record<string, any> = {};
  const raw = await files.read('package.json');
  try {
    const parsed: unknown = JSON.parse(raw ?? '');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) pkg = parsed as Record<string, any>;
    else notes.push('package.json is not a JSON object');
  } catch {
    notes.push('package.json is not valid JSON');
  }
  const scripts: Record<string, string> = isRecord(pkg.scripts) ? pkg.scripts : {};
  const deps: Record<string, unknown> = { ...(isRecord(pkg.dependencies) ? pkg.dependencies : {}), ...(isRecord(pkg.devDependencies) ? pkg.devDependencies : {}) };

  const declaredPm = typeof pkg.packageManager === 'string' ? pkg.packageManager.split('@')[0] : undefined;
  const pm =
    declaredPm && ['npm', 'pnpm', 'yarn', 'bun'].includes(declaredPm)
      ? declaredPm
      : rootNames.includes('pnpm-lock.yaml')
        ? 'pnpm'
        : rootNames.includes('yarn.lock')
          ? 'yarn'
          : rootNames.includes('bun.lockb') || rootNames.includes('bun.lock')
            ? 'bun'
            : 'npm';
  const runScript = (name: string) => (pm === 'npm' ? `npm run ${name}` : pm === 'bun' ? `bun run ${name}` : `${pm} ${name}`);
  const exec = (bin: string) => (pm === 'npm' ? `npx ${bin}` : pm === 'pnpm' ? `pnpm exec ${bin}` : pm === 'bun' ? `bunx ${bin}` : `yarn ${bin}`);

  const nodeVersion = ((await files.read('.nvmrc')) ?? (await files.read('.node-version')))?.trim().split(/\s/)[0];
  const engines = isRecord(pkg.engines) && typeof pkg.engines.node === 'string' ? pkg.engines.node : undefined;
  const runtime = pm === 'bun' ? 'Bun' : `Node${nodeVersion ? ` ${nodeVersion.replace(/^v/, '')}` : engines ? ` ${engines}` : ''}`;

  const typescript = rootNames.includes('tsconfig.json') || 'typescript' in deps;
  const frameworks = NODE_FRAMEWORKS.filter(([dep]) => dep in deps).map(([, label]) => label);

  const commands: Commands = {};
  const testScript = scripts.test;
  if (typeof testScript === 'string' && !NPM_PLACEHOLDER_TEST.test(testScript)) commands.test = pm === 'bun' ? 'bun run test' : `${pm} test`;
  else if ('vitest' in deps) commands.test = exec('vitest run');
  else if ('jest' in deps) commands.test = exec('jest');
  else if ('mocha' in deps) commands.test = exec('mocha');
  if (typeof scripts.build === 'string') commands.build = runScript('build');
  else if (typescript) commands.build = exec('tsc');
  if (typeof scripts.start === 'string') commands.run = pm === 'bun' ? 'bun run start' : `${pm} start`;
  else if (typeof scripts.dev === 'string') commands.run = runScript('dev');
  if (typeof scripts.lint === 'string') commands.lint = runScript('lint');
  else if (typeof scripts.typecheck === 'string') commands.lint = runScript('typecheck');

  const workspaces = await nodeWorkspaces(files, pkg, rootNames);
  if (workspaces) notes.push(`monorepo, workspaces: ${workspaces}`);

  const runtimeDeps = isRecord(pkg.dependencies) ? Object.keys(pkg.dependencies).length : 0;
  const toolingOnly = !workspaces && runtimeDeps === 0 && !pkg.main && !pkg.bin && !pkg.exports && !scripts.test && !scripts.start && !scripts.build;

  return {
    name: 'node',
    languages: [typescript ? 'TypeScript' : 'JavaScript'],
    runtime,
    packageManager: pm,
    frameworks,
    entryPoint: await nodeEntry(files, pkg, rootNames),
    commands,
    notes,
    toolingOnly,
  };
}

async function nodeWorkspaces(files: ProjectFiles, pkg: Record<string, any>, rootNames: string[]): Promise<string | undefined> {
  let globs: unknown = pkg.workspaces;
  if (isRecord(globs) && Array.isArray(globs.packages)) globs = globs.packages; // yarn classic's object form
  if (!Array.isArray(globs) && rootNames.includes('pnpm-workspace.yaml')) {
    try {
      const doc: unknown = parseYaml((await files.read('pnpm-workspace.yaml')) ?? '');
      if (isRecord(doc)) globs = doc.packages;
    } catch {
      // an unreadable workspace file still means a workspace
      globs = ['(see pnpm-workspace.yaml)'];
    }
  }
  if (Array.isArray(globs) && globs.length) return globs.filter((g) => typeof g === 'string').slice(0, 4).join(', ');
  for (const marker of ['lerna.json', 'nx.json', 'turbo.json']) if (rootNames.includes(marker)) return `(${marker})`;
  return undefined;
}

async function nodeEntry(files: ProjectFiles, pkg: Record<string, any>, rootNames: string[]): Promise<string | undefined> {
  if (typeof pkg.bin === 'string') return pkg.bin;
  if (isRecord(pkg.bin)) {
    const first = Object.values(pkg.bin).find((v) => typeof v === 'string');
    if (typeof first === 'string') return first;
  }
  if (typeof pkg.main === 'string') return pkg.main;
  if (typeof pkg.module === 'string') return pkg.module;
  const candidates = ['index.ts', 'index.js', 'main.ts', 'main.js', 'server.ts', 'server.js', 'app.ts', 'app.js'];
  const atRoot = candidates.find((c) => rootNames.includes(c));
  if (atRoot) return atRoot;
  if (rootNames.includes('src/')) {
    const srcNames = await files.list('src');
    const hit = [...candidates, 'index.tsx', 'main.tsx'].find((c) => srcNames.includes(c));
    if (hit) return `src/${hit}`;
  }
  return undefined;
}

// ---------------------------------------------------------------- Python

const PY_FRAMEWORKS: Array<[dep: string, label: string]> = [
  ['django', 'Django'],
  ['flask', 'Flask'],
  ['fastapi', 'FastAPI'],
  ['starlette', 'Starlette'],
  ['streamlit', 'Streamlit'],
  ['pytest', 'pytest'],
];

async function python(files: ProjectFiles, rootNames: string[]): Promise<Ecosystem | undefined> {
  const markers = ['pyproject.toml', 'requirements.txt', 'setup.py', 'setup.cfg', 'Pipfile', 'uv.lock', 'poetry.lock'];
  const hasManage = rootNames.includes('manage.py');
  if (!markers.some((m) => rootNames.includes(m)) && !hasManage) return undefined;
  const notes: string[] = [];
  let pyproject: Record<string, any> = {};
  if (rootNames.includes('pyproject.toml')) {
    try {
      pyproject = parseToml((await files.read('pyproject.toml')) ?? '') as Record<string, any>;
    } catch {
      notes.push('pyproject.toml is not valid TOML');
    }
  }
  const project = isRecord(pyproject.project) ? pyproject.project : {};
  const tool = isRecord(pyproject.tool) ? pyproject.tool : {};
  const poetry = isRecord(tool.poetry) ? tool.poetry : undefined;

  const deps = new Set<string>();
  const addRequirement = (req: unknown) => {
    if (typeof req !== 'string') return;
    const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(req)?.[1];
    if (name) deps.add(normalizePyName(name));
  };
  (Array.isArray(project.dependencies) ? project.dependencies : []).forEach(addRequirement);
  for (const group of [project['optional-dependencies'], pyproject['dependency-groups']]) {
    if (isRecord(group)) Object.values(group).forEach((list) => Array.isArray(list) && list.forEach(addRequirement));
  }
  if (poetry) {
    const tables = [poetry.dependencies, poetry['dev-dependencies'], ...Object.values(isRecord(poetry.group) ? poetry.group : {}).map((g) => (isRecord(g) ? g.dependencies : undefined))];
    for (const table of tables) if (isRecord(table)) Object.keys(table).forEach((k) => deps.add(normalizePyName(k)));
  }
  for (const req of ['requirements.txt', 'requirements-dev.txt', 'dev-requirements.txt', 'requirements_dev.txt']) {
    const text = await files.read(req);
    text?.split('\n').forEach((line) => !/^\s*(#|-)/.test(line) && addRequirement(line));
  }
  const pipfile = await files.read('Pipfile');
  pipfile?.split('\n').forEach((line) => /^\s*[A-Za-z0-9][\w.-]*\s*=/.test(line) && addRequirement(line));
  deps.delete('python');

  const pm = rootNames.includes('uv.lock')
    ? 'uv'
    : rootNames.includes('poetry.lock') || poetry
      ? 'poetry'
      : rootNames.includes('pdm.lock')
        ? 'pdm'
        : rootNames.includes('Pipfile')
          ? 'pipenv'
          : 'pip';
  const prefix = pm === 'pip' ? '' : `${pm} run `;

  const pinned = (await files.read('.python-version'))?.trim().split(/\s/)[0];
  const requires = typeof project['requires-python'] === 'string' ? project['requires-python'] : poetry && isRecord(poetry.dependencies) && typeof poetry.dependencies.python === 'string' ? poetry.dependencies.python : undefined;
  const runtime = `Python${pinned ? ` ${pinned}` : requires ? ` ${requires}` : ''}`;

  const pytest = deps.has('pytest') || 'pytest' in tool || rootNames.includes('pytest.ini') || rootNames.includes('conftest.py');
  if (pytest) deps.add('pytest');
  const frameworks = PY_FRAMEWORKS.filter(([dep]) => deps.has(dep)).map(([, label]) => label);
  if (hasManage && !frameworks.includes('Django')) frameworks.unshift('Django');

  const commands: Commands = {};
  if (pytest) commands.test = prefix ? `${prefix}pytest` : 'python -m pytest';
  else if (hasManage) commands.test = `${prefix}python manage.py test`;
  else if (rootNames.includes('tests/') || rootNames.includes('test/') || rootNames.some((n) => /^test_.*\.py$/.test(n))) commands.test = `${prefix}python -m unittest`;
  if (hasManage) commands.run = `${prefix}python manage.py runserver`;
  else if (deps.has('fastapi') && rootNames.includes('main.py')) commands.run = `${prefix}uvicorn main:app --reload`;
  else if (rootNames.includes('main.py')) commands.run = `${prefix}python main.py`;
  else if (rootNames.includes('app.py')) commands.run = deps.has('flask') ? `${prefix}flask --app app run` : `${prefix}python app.py`;
  if (deps.has('ruff') || 'ruff' in tool || rootNames.includes('ruff.toml')) commands.lint = `${prefix}ruff check .`;
  else if (deps.has('flake8')) commands.lint = `${prefix}flake8`;
  if (isRecord(pyproject['build-system'])) commands.build = pm === 'uv' ? 'uv build' : pm === 'poetry' ? 'poetry build' : pm === 'pdm' ? 'pdm build' : 'python -m build';

  let entryPoint: string | undefined;
  const scripts = isRecord(project.scripts) ? project.scripts : poetry && isRecord(poetry.scripts) ? poetry.scripts : undefined;
  const firstScript = scripts && Object.entries(scripts)[0];
  if (firstScript && typeof firstScript[1] === 'string') entryPoint = `${firstScript[0]} = ${firstScript[1]}`;
  else entryPoint = ['manage.py', 'main.py', 'app.py', 'setup.py'].find((f) => rootNames.includes(f) && f !== 'setup.py');

  return { name: 'python', languages: ['Python'], runtime, packageManager: pm, frameworks, entryPoint, commands, notes };
}

function normalizePyName(name: string): string {
  return name.toLowerCase().replace(/[_.]+/g, '-');
}

// ---------------------------------------------------------------- Rust

const RUST_FRAMEWORKS: Array<[dep: string, label: string]> = [
  ['tokio', 'Tokio'],
  ['axum', 'Axum'],
  ['actix-web', 'Actix Web'],
  ['rocket', 'Rocket'],
  ['clap', 'clap'],
  ['bevy', 'Bevy'],
];

async function rust(files: ProjectFiles): Promise<Ecosystem | undefined> {
  const raw = await files.read('Cargo.toml');
  if (raw === undefined) return undefined;
  const notes: string[] = [];
  let cargo: Record<string, any> = {};
  try {
    cargo = parseToml(raw) as Record<string, any>;
  } catch {
    notes.push('Cargo.toml is not valid TOML');
  }
  const pkg = isRecord(cargo.package) ? cargo.package : {};
  const workspace = isRecord(cargo.workspace) ? cargo.workspace : undefined;
  const edition = typeof pkg.edition === 'string' ? pkg.edition : isRecord(workspace?.package) && typeof workspace.package.edition === 'string' ? workspace.package.edition : undefined;
  const rustVersion = typeof pkg['rust-version'] === 'string' ? pkg['rust-version'] : undefined;
  const deps = { ...(isRecord(cargo.dependencies) ? cargo.dependencies : {}), ...(isRecord(workspace?.dependencies) ? workspace.dependencies : {}) };
  const src = await files.list('src');
  const bins = Array.isArray(cargo.bin) ? cargo.bin : [];
  const isBin = bins.length > 0 || src.includes('main.rs');
  const isLib = isRecord(cargo.lib) || src.includes('lib.rs');
  if (workspace && Array.isArray(workspace.members)) notes.push(`cargo workspace, members: ${workspace.members.slice(0, 4).join(', ')}`);

  const kind = [isBin && 'bin', isLib && 'lib'].filter(Boolean).join('+');
  return {
    name: 'rust',
    languages: ['Rust'],
    runtime: ['Rust', edition && `edition ${edition}`, rustVersion && `(rust ${rustVersion})`, kind && `[${kind}]`].filter(Boolean).join(' '),
    packageManager: 'cargo',
    frameworks: RUST_FRAMEWORKS.filter(([dep]) => dep in deps).map(([, label]) => label),
    entryPoint: isBin ? (typeof bins[0]?.path === 'string' ? bins[0].path : 'src/main.rs') : isLib ? 'src/lib.rs' : undefined,
    commands: { build: 'cargo build', test: 'cargo test', run: isBin ? 'cargo run' : undefined, lint: 'cargo clippy' },
    notes,
  };
}

// ---------------------------------------------------------------- Go

const GO_FRAMEWORKS: Array<[module: string, label: string]> = [
  ['github.com/gin-gonic/gin', 'Gin'],
  ['github.com/labstack/echo', 'Echo'],
  ['github.com/gofiber/fiber', 'Fiber'],
  ['github.com/go-chi/chi', 'chi'],
  ['github.com/spf13/cobra', 'Cobra'],
  ['github.com/stretchr/testify', 'testify'],
];

async function go(files: ProjectFiles, rootNames: string[]): Promise<Ecosystem | undefined> {
  const mod = await files.read('go.mod');
  if (mod === undefined) return undefined;
  const moduleName = /^\s*module\s+(\S+)/m.exec(mod)?.[1];
  const version = /^\s*go\s+(\S+)/m.exec(mod)?.[1];
  const frameworks = GO_FRAMEWORKS.filter(([m]) => mod.includes(m)).map(([, label]) => label);
  let run: string | undefined;
  let entryPoint: string | undefined;
  if (rootNames.includes('main.go')) {
    run = 'go run .';
    entryPoint = 'main.go';
  } else if (rootNames.includes('cmd/')) {
    const first = (await files.list('cmd')).find((n) => n.endsWith('/'));
    if (first) {
      entryPoint = `cmd/${first.slice(0, -1)}`;
      run = `go run ./${entryPoint}`;
    }
  }
  const notes = rootNames.includes('go.work') ? ['go workspace (go.work)'] : [];
  if (moduleName) notes.unshift(`module ${moduleName}`);
  return {
    name: 'go',
    languages: ['Go'],
    runtime: `Go${version ? ` ${version}` : ''}`,
    packageManager: 'go modules',
    frameworks,
    entryPoint,
    commands: { build: 'go build ./...', test: 'go test ./...', run, lint: 'go vet ./...' },
    notes,
  };
}

// ---------------------------------------------------------------- .NET

async function dotnet(files: ProjectFiles, rootNames: string[]): Promise<Ecosystem | undefined> {
  const projects = rootNames.filter((n) => /\.(cs|fs|vb)proj$/.test(n));
  const solution = rootNames.find((n) => /\.slnx?$/.test(n));
  if (!projects.length && !solution) return undefined;

  // With only a solution at the root, follow it to its first non-test project.
  let projectPath = projects[0];
  if (!projectPath && solution) {
    const sln = (await files.read(solution)) ?? '';
    const paths = [...sln.matchAll(/"([^"]+\.(?:cs|fs|vb)proj)"/g)].map((m) => m[1]!.replace(/\\/g, '/'));
    projectPath = paths.find((p) => !/test/i.test(p)) ?? paths[0];
  }
  const proj = projectPath ? ((await files.read(projectPath)) ?? '') : '';
  const target = /<TargetFrameworks?>\s*([^<]+?)\s*</.exec(proj)?.[1];
  const frameworks: string[] = [];
  if (/Sdk="Microsoft\.NET\.Sdk\.(Web|BlazorWebAssembly)"/.test(proj)) frameworks.push('ASP.NET Core');
  for (const [pkg, label] of [
    ['xunit', 'xUnit'],
    ['NUnit', 'NUnit'],
    ['MSTest', 'MSTest'],
    ['Microsoft.EntityFrameworkCore', 'EF Core'],
  ] as const) {
    if (new RegExp(`Include="${pkg}`, 'i').test(proj)) frameworks.push(label);
  }
  const language = projectPath?.endsWith('.fsproj') ? 'F#' : projectPath?.endsWith('.vbproj') ? 'Visual Basic' : 'C#';
  const atRoot = projectPath !== undefined && !projectPath.includes('/');
  return {
    name: 'dotnet',
    languages: [language],
    runtime: `.NET${target ? ` ${target}` : ''}`,
    packageManager: 'dotnet (NuGet)',
    frameworks,
    entryPoint: solution ?? projectPath,
    commands: {
      build: 'dotnet build',
      test: 'dotnet test',
      run: projectPath && !/test/i.test(projectPath) ? (atRoot ? 'dotnet run' : `dotnet run --project ${projectPath}`) : undefined,
      lint: 'dotnet format --verify-no-changes',
    },
    notes: [],
  };
}

// ---------------------------------------------------------------- Java / Kotlin (Maven, Gradle)

async function jvm(files: ProjectFiles, rootNames: string[]): Promise<Ecosystem | undefined> {
  const gradleFile = ['build.gradle.kts', 'build.gradle'].find((f) => rootNames.includes(f));
  const pom = rootNames.includes('pom.xml') ? ((await files.read('pom.xml')) ?? '') : undefined;
  if (pom === undefined && !gradleFile) return undefined;

  const frameworks: string[] = [];
  const commands: Commands = {};
  let javaVersion: string | undefined;
  let kotlin = false;
  let tool: string;
  if (pom !== undefined) {
    tool = 'Maven';
    const mvn = rootNames.includes('mvnw') ? './mvnw' : 'mvn';
    javaVersion = /<(?:maven\.compiler\.release|maven\.compiler\.source|java\.version|release)>\s*([^<\s]+)\s*</.exec(pom)?.[1];
    kotlin = pom.includes('kotlin-maven-plugin');
    if (pom.includes('spring-boot')) frameworks.push('Spring Boot');
    if (pom.includes('quarkus')) frameworks.push('Quarkus');
    if (pom.includes('junit-jupiter') || pom.includes('<artifactId>junit</artifactId>')) frameworks.push('JUnit');
    commands.test = `${mvn} test`;
    commands.build = `${mvn} package`;
    if (frameworks.includes('Spring Boot')) commands.run = `${mvn} spring-boot:run`;
  } else {
    tool = 'Gradle';
    const build = (await files.read(gradleFile!)) ?? '';
    const gradle = rootNames.includes('gradlew') ? './gradlew' : 'gradle';
    javaVersion =
      /JavaLanguageVersion\.of\(\s*(\d+)\s*\)/.exec(build)?.[1] ??
      /jvmToolchain\(\s*(\d+)\s*\)/.exec(build)?.[1] ??
      /JavaVersion\.VERSION_(\d+(?:_\d+)?)/.exec(build)?.[1]?.replace('_', '.') ??
      /sourceCompatibility\s*=\s*['"]?([\d.]+)/.exec(build)?.[1];
    kotlin = gradleFile === 'build.gradle.kts' ? /kotlin\(|org\.jetbrains\.kotlin/.test(build) : /org\.jetbrains\.kotlin/.test(build);
    const spring = build.includes('org.springframework.boot');
    if (spring) frameworks.push('Spring Boot');
    if (/android/.test(build)) frameworks.push('Android');
    if (/junit/i.test(build)) frameworks.push('JUnit');
    commands.test = `${gradle} test`;
    commands.build = `${gradle} build`;
    if (spring) commands.run = `${gradle} bootRun`;
    else if (/\bapplication\b/.test(build)) commands.run = `${gradle} run`;
  }
  return {
    name: 'jvm',
    languages: kotlin ? ['Kotlin'] : ['Java'],
    runtime: `JVM${javaVersion ? ` (Java ${javaVersion})` : ''}`,
    packageManager: tool,
    frameworks,
    entryPoint: undefined,
    commands,
    notes: [],
  };
}

// ---------------------------------------------------------------- Ruby

async function ruby(files: ProjectFiles, rootNames: string[]): Promise<Ecosystem | undefined> {
  const gemfile = await files.read('Gemfile');
  if (gemfile === undefined) return undefined;
  const gems = new Set([...gemfile.matchAll(/^\s*gem\s+["']([^"']+)["']/gm)].map((m) => m[1]!));
  const version = (await files.read('.ruby-version'))?.trim() ?? /^\s*ruby\s+["']([^"']+)["']/m.exec(gemfile)?.[1];
  const rails = gems.has('rails');
  const rspec = gems.has('rspec') || gems.has('rspec-rails') || rootNames.includes('.rspec') || rootNames.includes('spec/');
  const frameworks = [rails && 'Rails', gems.has('sinatra') && 'Sinatra', gems.has('hanami') && 'Hanami', rspec && 'RSpec', gems.has('minitest') && 'Minitest'].filter(
    (f): f is string => typeof f === 'string',
  );
  const commands: Commands = {};
  if (rspec) commands.test = 'bundle exec rspec';
  else if (rails) commands.test = 'bin/rails test';
  else if (rootNames.includes('Rakefile') || gems.has('minitest')) commands.test = 'bundle exec rake test';
  if (rails) commands.run = 'bin/rails server';
  else if (rootNames.includes('config.ru')) commands.run = 'bundle exec rackup';
  if (gems.has('rubocop') || gems.has('rubocop-rails')) commands.lint = 'bundle exec rubocop';
  return {
    name: 'ruby',
    languages: ['Ruby'],
    runtime: `Ruby${version ? ` ${version.replace(/^ruby-/, '')}` : ''}`,
    packageManager: 'Bundler',
    frameworks,
    entryPoint: rails ? 'config/application.rb' : rootNames.includes('config.ru') ? 'config.ru' : undefined,
    commands,
    notes: [],
  };
}

// ---------------------------------------------------------------- helpers

function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function dropEmpty(commands: Commands): Commands {
  return Object.fromEntries(Object.entries(commands).filter(([, v]) => typeof v === 'string' && v.length > 0)) as Commands;
}
