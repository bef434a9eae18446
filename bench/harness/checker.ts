import { spawn } from 'node:child_process';

export interface CheckOutcome {
  passed: boolean;
  exitCode: number | null;
  /** The last lines of stdout+stderr. */
  output: string;
  timedOut: boolean;
}

/** Runs a task's checker with bash in the project folder; exit 0 = pass. */
export function runChecker(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL'); // the whole group: the checker may have started children
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const tail = output.trim().split('\n').slice(-5).join('\n');
      resolve({ passed: code === 0 && !timedOut, exitCode: code, output: tail, timedOut });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ passed: false, exitCode: null, output: err.message, timedOut: false });
    });
  });
}
