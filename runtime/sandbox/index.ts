/**
 * What the model's shell runs inside: the environment without secrets, and the sandbox chosen by
 * SMALLCODE_SANDBOX (auto: on for headless runs, offered in the terminal; on; off).
 */
import { probeSandbox, READ_ONLY_IN_SANDBOX, sandboxWrap, type SandboxProbe, type SandboxWrap } from './sandbox.js';

export { looksSecret, shellEnvironment, type ShellEnv, type ShellEnvOptions } from './env.js';
export { bubblewrapArgs, probeSandbox, READ_ONLY_IN_SANDBOX, sandboxWrap, seatbeltProfile, type SandboxKind, type SandboxProbe, type SandboxSettings, type SandboxWrap } from './sandbox.js';

export type SandboxMode = 'auto' | 'on' | 'off';

export interface ShellConfinement {
  /** How to start the shell inside the sandbox; null: unconfined. */
  wrap: SandboxWrap | null;
  /** Set when the sandbox was required (`on`) and none works: the shell refuses every command with it. */
  refuse?: string;
  /** One line for the user: what confines the shell, or why nothing does. */
  notice: string;
}

export function shellConfinement(
  opts: { mode: SandboxMode; headless: boolean; root: string; network: boolean },
  probe: () => SandboxProbe = probeSandbox,
): ShellConfinement {
  const wanted = opts.mode === 'on' || (opts.mode === 'auto' && opts.headless);
  if (opts.mode === 'off') return { wrap: null, notice: 'shell sandbox off (SMALLCODE_SANDBOX=off): commands run with your permissions' };
  const found = probe();
  const net = opts.network ? 'network allowed' : 'no network';
  if (!wanted) {
    return {
      wrap: null,
      notice: found.kind === 'none'
        ? `shell commands run unconfined: no sandbox available (${found.reason})`
        : `shell commands run unconfined; ${found.kind} is available: SMALLCODE_SANDBOX=on (or --sandbox) confines them to the project`,
    };
  }
  const wrap = sandboxWrap(found, { root: opts.root, network: opts.network, readOnly: READ_ONLY_IN_SANDBOX });
  if (!wrap) {
    const reason = found.kind === 'none' ? found.reason : 'unknown';
    if (opts.mode === 'on') {
      return { wrap: null, refuse: `the shell sandbox is required (SMALLCODE_SANDBOX=on) but none is available: ${reason}`, notice: `shell sandbox required but unavailable: ${reason}; shell commands are refused` };
    }
    return { wrap: null, notice: `no shell sandbox available (${reason}): commands run with your permissions` };
  }
  return { wrap, notice: `shell sandbox: ${wrap.kind} (writes only in the project and the temp folder, ${net})` };
}
