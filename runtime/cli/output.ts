import pc from 'picocolors';
import { planProgress } from '../agent/plan.js';
import type { AgentEvents } from '../agent/types.js';

/** One-line summary of a tool call's key argument, for progress lines. */
export function keyArgument(args: Record<string, unknown>): string {
  for (const key of ['path', 'command', 'pattern', 'query', 'glob']) {
    const value = args[key];
    if (typeof value === 'string' && value) return value.length > 60 ? `${value.slice(0, 57)}...` : value.replace(/\n/g, ' ');
  }
  return '';
}

/** Progress printer for the headless and classic front doors (NO_COLOR respected by picocolors). */
export function progressPrinter(write: (s: string) => void) {
  let shownPlan: AgentEvents['plan']['steps'] | undefined;
  return {
    plan({ steps }: AgentEvents['plan']) {
      for (const line of planProgress(shownPlan, steps)) write(`${pc.dim(line)}\n`);
      shownPlan = steps;
    },
    tool_start({ name, args }: AgentEvents['tool_start']) {
      write(`${pc.cyan('●')} ${name} ${pc.dim(keyArgument(args))}\n`);
    },
    tool_end({ name, ms, ok, output, cached }: AgentEvents['tool_end']) {
      const mark = ok ? pc.green('✓') : pc.red('✗');
      const first = ok ? '' : ` ${pc.red(output.split('\n')[0]!.slice(0, 120))}`;
      write(`  ${mark} ${name} ${pc.dim(`${ms} ms${cached ? ', cached' : ''}`)}${first}\n`);
    },
    notice({ message }: AgentEvents['notice']) {
      write(`${pc.dim(`· ${message}`)}\n`);
    },
    error({ message }: AgentEvents['error']) {
      write(`${pc.red(`error: ${message}`)}\n`);
    },
  };
}
