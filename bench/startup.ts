// npm run bench:startup — time from launching `smallcode` in a terminal (tmux) to a ready prompt,
// and the resident memory at the prompt, against the scripted model server (no model needed).
// Runs the built CLI: `npm run build` first.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startScriptedServer } from '../test/support/scripted-server.js';
import { Terminal, tmuxAvailable } from '../test/e2e/tui/tmux.js';

const RUNS = Number(process.env.RUNS ?? 7);
const PROMPT = /^›\s*$/m;

async function once(url: string, cwd: string): Promise<{ ms: number; rss: number; rssConnected: number }> {
  const term = await Terminal.start({ cwd, env: { SMALLCODE_BASE_URL: url, SMALLCODE_MODEL: 'scripted-model' } });
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (PROMPT.test(await term.screen())) break;
      if (Date.now() > deadline) throw new Error(`no prompt within 20 s:\n${await term.screen()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = performance.now() - term.startedAt;
    const rss = await term.rssMiB();
    // The engine (server discovery, tokenizer, tools) loads behind the prompt; measure it too.
    await term.waitFor('-token window');
    await new Promise((r) => setTimeout(r, 200));
    return { ms, rss, rssConnected: await term.rssMiB() };
  } finally {
    await term.close();
  }
}

async function main(): Promise<void> {
  if (!tmuxAvailable()) throw new Error('bench:startup needs tmux');
  const server = await startScriptedServer({ onExhausted: { content: 'ok' } });
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'smallcode-startup-'));
  try {
    await once(server.url, cwd); // warm the disk cache; not counted
    const results: Array<{ ms: number; rss: number; rssConnected: number }> = [];
    for (let i = 0; i < RUNS; i++) results.push(await once(server.url, cwd));
    const times = results.map((r) => r.ms).sort((a, b) => a - b);
    const rss = results.map((r) => r.rss).sort((a, b) => a - b);
    const connected = results.map((r) => r.rssConnected).sort((a, b) => a - b);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
    console.log(`startup to a ready prompt: median ${median(times).toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}, ${RUNS} runs)`);
    console.log(`resident memory at the prompt: median ${median(rss).toFixed(0)} MiB; once the engine is connected: ${median(connected).toFixed(0)} MiB`);
  } finally {
    await server.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}

await main();
