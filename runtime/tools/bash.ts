import * as path from 'node:path';
import { z } from 'zod';
import { toolPolicy } from '../agent/policy.js';
import { defineTool } from './tool.js';

const args = z.object({
  command: z.string().min(1).describe('bash command'),
});

// Colour and cursor escapes cost tokens and confuse small models.
const ANSI_ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

export const bashTool = defineTool<z.infer<typeof args>>({
  name: 'bash',
  category: 'run',
  description: (policy) =>
    policy.shell.persist
      ? 'Run a shell command in the project. cd and variables persist between calls.'
      : 'Run a shell command in the project root (fresh shell each call).',
  args,
  readOnly: false,
  writesAnywhere: true,
  aliases: { cmd: 'command', script: 'command' },
  capHint: 'Pipe through head, tail or grep to see a specific part.',
  async execute({ command }, ctx) {
    const timeoutMs = toolPolicy(ctx.policy, 'bash').timeoutMs ?? ctx.policy.shell.timeoutMs;
    const result = await ctx.shell().run(command, { timeoutMs, signal: ctx.signal });
    const output = result.output.replace(ANSI_ESCAPES, '').replace(/\r\n/g, '\n').trimEnd();
    const body = output === '' ? '(no output)' : output;
    const persist = ctx.policy.shell.persist;
    const lost = persist ? ' The shell was restarted: working directory and variables are reset to the start.' : '';
    if (result.timedOut) {
      return {
        ok: false,
        changedDisk: true,
        errorKind: 'timeout',
        output: `${body}\n[timed out after ${Math.round(timeoutMs / 1000)} s and was killed.${lost} Run long tasks with a shorter scope, or in the background with output to a file.]`,
      };
    }
    if (result.aborted) return { ok: false, changedDisk: true, errorKind: 'cancelled', output: `${body}\n[cancelled and killed.${lost}]` };
    if (result.shellExited) {
      const state = persist ? ' The next call starts a fresh shell in the project root.' : '';
      return { ok: result.exitCode === 0, changedDisk: true, errorKind: 'exit_code', output: `${body}\n[the shell exited with code ${result.exitCode}.${state}]` };
    }
    const root = await ctx.workspace.realRootPath();
    const cwd = result.cwd ? path.relative(root, result.cwd) : '';
    const outside = cwd === '..' || cwd.startsWith(`..${path.sep}`) || path.isAbsolute(cwd);
    const where = persist && cwd !== '' ? ` cwd: ${outside ? result.cwd : cwd}` : '';
    return { ok: result.exitCode === 0, changedDisk: true, errorKind: 'exit_code', output: `${body}\n[exit code ${result.exitCode}${where}]` };
  },
});
