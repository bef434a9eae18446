/**
 * `npm run build:binary`: SmallCode as one executable that needs no Node.js, built with Node's
 * single-executable applications (SEA) from the node binary running this script, for its own
 * platform: dist/bin/smallcode-<os>-<arch>[.exe] and a .sha256 beside it. Nothing is downloaded.
 *
 *   1. esbuild bundles runtime/binary/main.ts (the CLI) and every dependency into one CommonJS
 *      script; dynamic imports stay lazy (bundled modules initialise on first import).
 *   2. What is read from disk at run time becomes SEA assets, unpacked on first start into a
 *      content-hashed cache folder laid out like an installed package (runtime/binary/assets.ts).
 *   3. node --experimental-sea-config writes the blob; postject injects it into a copy of node.
 *
 * Options: --allow-missing (build without the native SQLite module or ripgrep when this machine
 * has none: the binary then uses the JSON store and the JavaScript search).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { inject } from 'postject';
import { globSync } from 'tinyglobby';
import { binaryName, contentId, MANIFEST_ASSET, type BinaryManifest } from '../runtime/binary/assets.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const allowMissing = process.argv.includes('--allow-missing');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Folders of the package read at run time (prompts, built-in layers and skills). */
const PACKAGE_DIRS = ['agents', 'templates', 'skills'];

/**
 * Packages loaded from the unpacked folder instead of the bundle, with what they depend on at run
 * time: what the code loads with `createRequire(import.meta.url)` (esbuild cannot follow that),
 * native or binary parts, and ts-morph with TypeScript (13 MiB, needed only to compile a .marrow
 * layer: kept out of the script every start parses). `native` marks what --allow-missing may leave out.
 */
interface DiskPackage {
  name: string;
  /** Default: package.json and the JavaScript, JSON and native files, outside nested node_modules. */
  files?: string[];
  /** Default: its package.json `dependencies`. */
  dependencies?: string[];
  native?: boolean;
}
const DISK_PACKAGES: DiskPackage[] = [
  // prebuild-install runs only when npm installs it.
  { name: 'better-sqlite3', files: ['package.json', 'lib/**/*.js', 'build/Release/better_sqlite3.node'], dependencies: ['bindings'], native: true },
  { name: 'yaml' },
  { name: 'highlight.js', files: ['package.json', 'lib/core.js', 'lib/languages/*.js'] },
  { name: `@vscode/ripgrep-${process.platform}-${process.arch}`, files: ['package.json', 'bin/*'], native: true },
  { name: 'ts-morph' },
];
const DEFAULT_FILES = ['package.json', '**/*.{js,cjs,mjs,json,node}'];
const NEVER = ['**/node_modules/**', '**/*.map', '{test,tests,__tests__,docs,example,examples}/**'];

/** Node's lookup: `<dir>/node_modules/<name>`, from `from` up to the root. */
function packageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/** Every folder (relative to the repository) of the disk packages and their run-time dependencies. */
function diskPackageFiles(): Asset[] {
  const assets: Asset[] = [];
  const seen = new Set<string>();
  const visit = (pkg: DiskPackage, from: string, neededBy?: string): void => {
    const dir = packageDir(pkg.name, from);
    const patterns = pkg.files ?? DEFAULT_FILES;
    const files = dir ? globSync(patterns, { cwd: dir, ignore: NEVER }).sort() : [];
    const missing = patterns.filter((p) => !p.includes('*') && !files.includes(p));
    if (!dir || !files.length || missing.length) {
      const what = `${pkg.name}${dir && missing.length ? ` (${missing.join(', ')})` : ''}${neededBy ? ` (needed by ${neededBy})` : ''} is not installed`;
      if (pkg.native && allowMissing) {
        process.stderr.write(`build:binary: ${what}; building without it (--allow-missing)\n`);
        return;
      }
      throw new Error(`${what}; run \`npm ci\`${pkg.native ? ', or pass --allow-missing to build without it' : ''}`);
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    for (const file of files) assets.push({ path: relative(root, join(dir, file)).split('\\').join('/'), source: join(dir, file) });
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of pkg.dependencies ?? Object.keys(manifest.dependencies ?? {})) visit({ name: dep }, dir, pkg.name);
  };
  for (const pkg of DISK_PACKAGES) visit(pkg, root);
  return assets;
}

interface Asset {
  path: string;
  source: string;
}

const injected = join(root, 'runtime', 'binary', 'import-meta-url.ts');

/**
 * An `import` of a package carried on disk loads it from the unpacked folder too (plain
 * `require` in a SEA's main script knows only Node's built-in modules), so each exists once.
 */
const fromUnpackedFolder: Plugin = {
  name: 'smallcode-unpacked-packages',
  setup(b) {
    const names = DISK_PACKAGES.map((d) => d.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})(/.*)?$`) }, (args) => ({ path: args.path, namespace: 'unpacked' }));
    b.onLoad({ filter: /.*/, namespace: 'unpacked' }, (args) => ({
      contents: `const { createRequire } = require('node:module');\nconst { importMetaUrl } = require(${JSON.stringify(injected)});\nmodule.exports = createRequire(importMetaUrl)(${JSON.stringify(args.path)});\n`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

function collectAssets(pkg: { name: string; version: string }, outDir: string): Asset[] {
  const assets: Asset[] = [];
  // A package.json named smallcode marks the unpacked folder as the package root (runtime/package-root.ts).
  const manifestJson = join(outDir, 'package.json');
  writeFileSync(manifestJson, `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true }, null, 2)}\n`);
  assets.push({ path: 'package.json', source: manifestJson });
  for (const dir of PACKAGE_DIRS) {
    if (!existsSync(join(root, dir))) continue;
    for (const file of globSync(`${dir}/**/*`, { cwd: root, dot: true }).sort()) assets.push({ path: file, source: join(root, file) });
  }
  if (!existsSync(join(root, 'agents', '.compiled'))) throw new Error('agents/.compiled is missing: run `npm run build:agents` first');
  assets.push(...diskPackageFiles());
  return assets;
}

async function main(): Promise<void> {
  const started = performance.now();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const binDir = join(root, 'dist', 'bin');
  mkdirSync(binDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'smallcode-binary-'));
  try {
    await buildInto(work, binDir, pkg, started);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function buildInto(work: string, binDir: string, pkg: { name: string; version: string }, started: number): Promise<void> {
  const node = readFileSync(process.execPath);
  if (!node.includes(SEA_FUSE)) throw new Error(`${process.execPath} was built without single-executable support (no SEA fuse); use an official Node.js build`);

  const bundle = join(work, 'smallcode.cjs');
  await build({
    entryPoints: [join(root, 'runtime', 'binary', 'main.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    inject: [injected],
    define: { 'import.meta.url': 'importMetaUrl' },
    plugins: [fromUnpackedFolder],
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  });

  const assets = collectAssets(pkg, work);
  const manifest: BinaryManifest = {
    id: contentId(pkg.version, assets.map((a) => ({ path: a.path, bytes: readFileSync(a.source) }))),
    files: assets.map((a) => ({ path: a.path, mode: statSync(a.source).mode & 0o777 })),
  };
  const manifestFile = join(work, MANIFEST_ASSET);
  writeFileSync(manifestFile, JSON.stringify(manifest));

  const blob = join(work, 'sea-prep.blob');
  const seaConfig = join(work, 'sea-config.json');
  writeFileSync(seaConfig, JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    // V8's compiled code for the bundle, so start-up skips parsing most of it (platform-specific,
    // which is why every platform's binary is built on that platform).
    useCodeCache: true,
    assets: Object.fromEntries([[MANIFEST_ASSET, manifestFile], ...assets.map((a) => [a.path, a.source])]),
  }, null, 2));
  execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: ['ignore', 'ignore', 'inherit'] });

  const out = join(binDir, binaryName());
  rmSync(out, { force: true });
  copyFileSync(process.execPath, out);
  chmodSync(out, 0o755);
  const mac = process.platform === 'darwin';
  if (mac) execFileSync('codesign', ['--remove-signature', out]);
  await inject(out, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE, ...(mac ? { machoSegmentName: 'NODE_SEA' } : {}) });
  if (mac) execFileSync('codesign', ['--sign', '-', out]); // ad-hoc: macOS on arm64 runs nothing unsigned

  const sha = createHash('sha256').update(readFileSync(out)).digest('hex');
  writeFileSync(`${out}.sha256`, `${sha}  ${binaryName()}\n`);
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  process.stdout.write(
    `build:binary: ${relative(root, out)} (${mib(statSync(out).size)}; bundle ${mib(statSync(bundle).size)}, ${assets.length} files carried) ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`build:binary: ${err.message}\n`);
  process.exit(1);
});
