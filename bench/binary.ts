// npm run bench:binary — the single-file executable (`npm run build:binary` first): its size, the
// first start (which unpacks the carried files into a fresh cache folder), and warm starts of
// `--version` and `--help`, beside the same commands through `node bin/smallcode.js`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binaryName } from '../runtime/binary/assets.js';

const RUNS = Number(process.env.RUNS ?? 9);
const root = path.resolve(import.meta.dirname, '..');
const binary = path.join(root, 'dist', 'bin', binaryName());

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const r = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: exit ${r.status} ${r.stderr}`);
  return performance.now() - started;
}

function median(command: string, args: string[], env: NodeJS.ProcessEnv): string {
  timed(command, args, env); // warm the disk cache
  const times = Array.from({ length: RUNS }, () => timed(command, args, env)).sort((a, b) => a - b);
  return `median ${times[Math.floor(RUNS / 2)]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)})`;
}

function main(): void {
  if (!existsSync(binary)) throw new Error(`${path.relative(root, binary)} is missing: run \`npm run build:binary\` first`);
  const cache = mkdtempSync(path.join(os.tmpdir(), 'smallcode-bench-binary-'));
  const env = { ...process.env, SMALLCODE_CACHE_DIR: cache };
  try {
    console.log(`${binaryName()}: ${(statSync(binary).size / 1024 / 1024).toFixed(1)} MiB (the node binary itself: ${(statSync(process.execPath).size / 1024 / 1024).toFixed(1)} MiB)`);
    console.log(`first start (unpacks into an empty cache): ${timed(binary, ['--version'], env).toFixed(0)} ms`);
    const unpacked = spawnSync('du', ['-sk', cache], { encoding: 'utf8' }).stdout.split('\t')[0];
    if (unpacked) console.log(`unpacked files: ${(Number(unpacked) / 1024).toFixed(1)} MiB`);
    console.log(`binary --version: ${median(binary, ['--version'], env)}, ${RUNS} runs`);
    console.log(`node bin/smallcode.js --version: ${median(process.execPath, [path.join(root, 'bin', 'smallcode.js'), '--version'], env)}`);
    console.log(`binary --help: ${median(binary, ['--help'], env)}`);
    console.log(`node bin/smallcode.js --help: ${median(process.execPath, [path.join(root, 'bin', 'smallcode.js'), '--help'], env)}`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

main();
