import { afterAll, describe, expect, it } from 'vitest';
import { detectTestCommand, INSTRUCTIONS_CAP, summarizeProject, type ProjectSummary } from '../../../runtime/agent/project-summary.js';
import { makeTempProject, removeTempProject } from '../../support/run-cli.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeTempProject));
});

async function summarize(files: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<ProjectSummary> {
  const dir = await makeTempProject(files);
  dirs.push(dir);
  return summarizeProject(dir, env);
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

interface Case {
  name: string;
  files: Record<string, string>;
  expected: Partial<Omit<ProjectSummary, 'text' | 'instructions'>>;
  /** Fragments the prompt text must contain. */
  text?: string[];
}

const cases: Case[] = [
  {
    name: 'Node + TypeScript with pnpm, vitest and an express server',
    files: {
      'package.json': json({
        name: 'api',
        main: 'dist/server.js',
        engines: { node: '>=20' },
        scripts: { build: 'tsc -p .', test: 'vitest run', start: 'node dist/server.js', lint: 'eslint .' },
        dependencies: { express: '^5.0.0' },
        devDependencies: { typescript: '^5.9.0', vitest: '^4.0.0' },
      }),
      'pnpm-lock.yaml': 'lockfileVersion: 9.0\n',
      'tsconfig.json': '{}',
    },
    expected: {
      languages: ['TypeScript'],
      runtime: 'Node >=20',
      packageManager: 'pnpm',
      frameworks: ['Express', 'Vitest'],
      entryPoint: 'dist/server.js',
      commands: { test: 'pnpm test', build: 'pnpm build', run: 'pnpm start', lint: 'pnpm lint' },
    },
    text: ['TypeScript · Node >=20 · pnpm', 'test `pnpm test`'],
  },
  {
    name: 'Node + JavaScript React/Vite app with yarn, .nvmrc and the npm placeholder test script',
    files: {
      'package.json': json({
        scripts: { dev: 'vite', test: 'echo "Error: no test specified" && exit 1' },
        dependencies: { react: '^19.0.0' },
        devDependencies: { vite: '^7.0.0', jest: '^30.0.0' },
      }),
      'yarn.lock': '',
      '.nvmrc': 'v22.11.0\n',
      'src/main.jsx': '',
      'src/index.js': '',
    },
    expected: {
      languages: ['JavaScript'],
      runtime: 'Node 22.11.0',
      packageManager: 'yarn',
      frameworks: ['React', 'Vite', 'Jest'],
      entryPoint: 'src/index.js',
      commands: { test: 'yarn jest', run: 'yarn dev' },
    },
  },
  {
    name: 'Node with a packageManager field that wins over the lockfile, and a Next.js app',
    files: {
      'package.json': json({ packageManager: 'bun@1.2.0', scripts: { build: 'next build', dev: 'next dev' }, dependencies: { next: '15', react: '19' } }),
      'package-lock.json': '{}',
    },
    expected: { packageManager: 'bun', runtime: 'Bun', frameworks: ['Next.js', 'React'], commands: { build: 'bun run build', run: 'bun run dev' } },
  },
  {
    name: 'Python with uv, FastAPI and pytest from pyproject',
    files: {
      'pyproject.toml': [
        '[project]',
        'name = "svc"',
        'requires-python = ">=3.11"',
        'dependencies = ["fastapi>=0.110", "uvicorn[standard]"]',
        '[dependency-groups]',
        'dev = ["pytest>=8", "ruff"]',
        '[build-system]',
        'requires = ["hatchling"]',
        'build-backend = "hatchling.build"',
      ].join('\n'),
      'uv.lock': 'version = 1\n',
      'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    },
    expected: {
      languages: ['Python'],
      runtime: 'Python >=3.11',
      packageManager: 'uv',
      frameworks: ['FastAPI', 'pytest'],
      entryPoint: 'main.py',
      commands: { test: 'uv run pytest', run: 'uv run uvicorn main:app --reload', lint: 'uv run ruff check .', build: 'uv build' },
    },
  },
  {
    name: 'Python with poetry, Flask and a pinned .python-version',
    files: {
      'pyproject.toml': '[tool.poetry]\nname = "web"\n[tool.poetry.dependencies]\npython = "^3.10"\nFlask = "^3.0"\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n',
      'poetry.lock': '',
      '.python-version': '3.12.4\n',
      'app.py': '',
    },
    expected: { runtime: 'Python 3.12.4', packageManager: 'poetry', frameworks: ['Flask', 'pytest'], commands: { test: 'poetry run pytest', run: 'poetry run flask --app app run' } },
  },
  {
    name: 'Python Django project from requirements.txt and manage.py, no pytest',
    files: { 'requirements.txt': '# web\nDjango==5.0.1\n-r base.txt\npsycopg[binary]>=3\n', 'manage.py': '' },
    expected: {
      packageManager: 'pip',
      frameworks: ['Django'],
      entryPoint: 'manage.py',
      commands: { test: 'python manage.py test', run: 'python manage.py runserver' },
    },
  },
  {
    name: 'Python setup.py project with a tests folder falls back to unittest',
    files: { 'setup.py': 'from setuptools import setup\nsetup()\n', 'tests/test_x.py': '' },
    expected: { languages: ['Python'], runtime: 'Python', commands: { test: 'python -m unittest' } },
  },
  {
    name: 'Rust binary with edition, tokio and clap',
    files: {
      'Cargo.toml': '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n[dependencies]\ntokio = { version = "1", features = ["full"] }\nclap = "4"\n',
      'src/main.rs': 'fn main() {}',
    },
    expected: {
      languages: ['Rust'],
      runtime: 'Rust edition 2021 [bin]',
      packageManager: 'cargo',
      frameworks: ['Tokio', 'clap'],
      entryPoint: 'src/main.rs',
      commands: { build: 'cargo build', test: 'cargo test', run: 'cargo run', lint: 'cargo clippy' },
    },
  },
  {
    name: 'Rust library has no run command',
    files: { 'Cargo.toml': '[package]\nname = "lib"\nedition = "2024"\n', 'src/lib.rs': '' },
    expected: { runtime: 'Rust edition 2024 [lib]', entryPoint: 'src/lib.rs', commands: { build: 'cargo build', test: 'cargo test', lint: 'cargo clippy' } },
  },
  {
    name: 'Go module with gin and a cmd/ entry point',
    files: { 'go.mod': 'module example.com/shop\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n)\n', 'cmd/server/main.go': 'package main' },
    expected: {
      languages: ['Go'],
      runtime: 'Go 1.22',
      frameworks: ['Gin'],
      entryPoint: 'cmd/server',
      commands: { build: 'go build ./...', test: 'go test ./...', run: 'go run ./cmd/server', lint: 'go vet ./...' },
      notes: ['module example.com/shop'],
    },
  },
  {
    name: '.NET solution pointing at a web project and a test project',
    files: {
      'Shop.sln': 'Project("{FAE04EC0}") = "Shop.Tests", "tests\\Shop.Tests\\Shop.Tests.csproj", "{1}"\nProject("{FAE04EC0}") = "Shop", "src\\Shop\\Shop.csproj", "{2}"\n',
      'src/Shop/Shop.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>',
    },
    expected: {
      languages: ['C#'],
      runtime: '.NET net8.0',
      frameworks: ['ASP.NET Core'],
      entryPoint: 'Shop.sln',
      commands: { build: 'dotnet build', test: 'dotnet test', run: 'dotnet run --project src/Shop/Shop.csproj', lint: 'dotnet format --verify-no-changes' },
    },
  },
  {
    name: '.NET single test project at the root',
    files: { 'Lib.Tests.csproj': '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net9.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include="xunit" Version="2.9.0" /></ItemGroup></Project>' },
    expected: { runtime: '.NET net9.0', frameworks: ['xUnit'], commands: { build: 'dotnet build', test: 'dotnet test', lint: 'dotnet format --verify-no-changes' } },
  },
  {
    name: 'Java Maven Spring Boot with the wrapper',
    files: {
      'pom.xml': '<project><properties><java.version>21</java.version></properties><parent><artifactId>spring-boot-starter-parent</artifactId></parent></project>',
      mvnw: '#!/bin/sh',
    },
    expected: { languages: ['Java'], runtime: 'JVM (Java 21)', packageManager: 'Maven', frameworks: ['Spring Boot'], commands: { test: './mvnw test', build: './mvnw package', run: './mvnw spring-boot:run' } },
  },
  {
    name: 'Kotlin Gradle application without the wrapper',
    files: { 'build.gradle.kts': 'plugins {\n  kotlin("jvm") version "2.0.0"\n  application\n}\nkotlin { jvmToolchain(17) }\n' },
    expected: { languages: ['Kotlin'], runtime: 'JVM (Java 17)', packageManager: 'Gradle', commands: { test: 'gradle test', build: 'gradle build', run: 'gradle run' } },
  },
  {
    name: 'Ruby on Rails with RSpec and a Gemfile ruby version',
    files: { Gemfile: "source 'https://rubygems.org'\nruby '3.3.0'\ngem 'rails', '~> 7.1'\ngroup :test do\n  gem 'rspec-rails'\nend\ngem 'rubocop', require: false\n" },
    expected: {
      languages: ['Ruby'],
      runtime: 'Ruby 3.3.0',
      packageManager: 'Bundler',
      frameworks: ['Rails', 'RSpec'],
      commands: { test: 'bundle exec rspec', run: 'bin/rails server', lint: 'bundle exec rubocop' },
    },
  },
  {
    name: 'Ruby gem with minitest and a Rakefile',
    files: { Gemfile: 'gem "minitest"\n', Rakefile: '', '.ruby-version': 'ruby-3.2.2\n' },
    expected: { runtime: 'Ruby 3.2.2', frameworks: ['Minitest'], commands: { test: 'bundle exec rake test' } },
  },
  {
    name: 'empty directory',
    files: {},
    expected: { languages: [], frameworks: [], commands: {}, notes: [] },
    text: ['Project: empty directory.'],
  },
  {
    name: 'broken package.json still gives a summary with a note',
    files: { 'package.json': '{ "name": "x", "scripts": { "test": ', 'index.js': '' },
    expected: { languages: ['JavaScript'], packageManager: 'npm', entryPoint: 'index.js', commands: {}, notes: ['package.json is not valid JSON'] },
    text: ['Note: package.json is not valid JSON'],
  },
  {
    name: 'monorepo root with pnpm workspaces and turbo',
    files: {
      'package.json': json({ private: true, scripts: { build: 'turbo build', test: 'turbo test' }, devDependencies: { turbo: '^2' } }),
      'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
      'pnpm-lock.yaml': '',
      'apps/web/package.json': json({ dependencies: { next: '15' } }),
    },
    expected: { packageManager: 'pnpm', commands: { test: 'pnpm test', build: 'pnpm build' }, notes: ['monorepo, workspaces: apps/*, packages/*'] },
  },
  {
    name: 'a tooling-only package.json does not hide the Python project beside it',
    files: {
      'package.json': json({ devDependencies: { prettier: '^3' }, scripts: { format: 'prettier -w .' } }),
      'pyproject.toml': '[project]\nname = "x"\ndependencies = ["pytest"]\n',
    },
    expected: { languages: ['Python', 'JavaScript'], packageManager: 'pip', commands: { test: 'python -m pytest' } },
  },
  {
    name: 'a Makefile test target is used when nothing else gives a test command',
    files: { Makefile: 'build:\n\tcc main.c\ntest: build\n\t./run-tests.sh\n' },
    expected: { languages: [], commands: { test: 'make test' } },
  },
];

describe('summarizeProject, per ecosystem', () => {
  it.each(cases)('$name', async ({ files, expected, text }) => {
    const summary = await summarize(files);
    expect(summary).toMatchObject(expected);
    if (expected.commands) expect(summary.commands).toEqual(expected.commands);
    for (const fragment of text ?? []) expect(summary.text).toContain(fragment);
  });
});

describe('summarizeProject, prompt text', () => {
  it('stays short for a typical project', async () => {
    const summary = await summarize(cases[0]!.files);
    // ~4 characters per token: the facts must fit in about 120 tokens.
    expect(summary.text.length).toBeLessThan(480);
    expect(summary.text.split('\n').length).toBeLessThanOrEqual(5);
  });

  it('includes AGENTS.md, and prefers it over CLAUDE.md', async () => {
    const summary = await summarize({ 'AGENTS.md': 'Run `make check` before committing.\n', 'CLAUDE.md': 'ignored', 'go.mod': 'module m\ngo 1.23\n' });
    expect(summary.instructions).toEqual({ file: 'AGENTS.md', text: 'Run `make check` before committing.' });
    // The caller injects instructions on their own, so the facts text must not repeat them.
    expect(summary.text).not.toContain('make check');
    expect(summary.text).toContain('Go 1.23');
  });

  it('falls back to CLAUDE.md and caps long instructions', async () => {
    const summary = await summarize({ 'CLAUDE.md': 'x'.repeat(INSTRUCTIONS_CAP + 500) });
    expect(summary.instructions!.file).toBe('CLAUDE.md');
    expect(summary.instructions!.text.length).toBeLessThan(INSTRUCTIONS_CAP + 50);
    expect(summary.instructions!.text).toMatch(/CLAUDE\.md truncated\)$/);
  });

  it('reads only a few files: a big project summarizes in milliseconds', async () => {
    const files: Record<string, string> = { 'package.json': json({ scripts: { test: 'vitest' } }) };
    for (let i = 0; i < 300; i++) files[`src/deep/m${i}/file${i}.ts`] = 'export const x = 1;\n';
    const dir = await makeTempProject(files);
    dirs.push(dir);
    const t0 = performance.now();
    await summarizeProject(dir, {});
    expect(performance.now() - t0).toBeLessThan(100);
  });
});

describe('detectTestCommand', () => {
  const node = { 'package.json': json({ scripts: { test: 'vitest run' } }) };

  it('detects the project test command', async () => {
    const dir = await makeTempProject(node);
    dirs.push(dir);
    expect(await detectTestCommand(dir, {})).toBe('npm test');
  });

  it('uses SMALLCODE_TEST_RUNNER instead, also in the summary', async () => {
    const dir = await makeTempProject(node);
    dirs.push(dir);
    const env = { SMALLCODE_TEST_RUNNER: 'npm run test:unit' };
    expect(await detectTestCommand(dir, env)).toBe('npm run test:unit');
    expect((await summarizeProject(dir, env)).commands.test).toBe('npm run test:unit');
  });

  it('returns none when SMALLCODE_TEST_DISABLE=true, and the summary says tests are disabled', async () => {
    const dir = await makeTempProject(node);
    dirs.push(dir);
    const env = { SMALLCODE_TEST_DISABLE: 'true', SMALLCODE_TEST_RUNNER: 'ignored' };
    expect(await detectTestCommand(dir, env)).toBeUndefined();
    const summary = await summarizeProject(dir, env);
    expect(summary.commands.test).toBeUndefined();
    expect(summary.text).toContain('tests disabled');
  });

  it('returns undefined for a directory that does not exist, whose summary says so', async () => {
    expect(await detectTestCommand('/nonexistent/smallcode/project', {})).toBeUndefined();
    expect((await summarizeProject('/nonexistent/smallcode/project', {})).text).toBe('Project: the directory does not exist.');
  });
});
