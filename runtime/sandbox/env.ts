/**
 * The environment the model's shell commands get: the user's, minus what looks like a secret
 * (API keys, tokens, passwords, SmallCode's own configured keys, and any variable holding the
 * value of one), unless the user lists the variable to pass (SMALLCODE_SHELL_ENV_PASS).
 */
import { VARIABLES } from '../config/variables.js';

/** Words that make a variable name a secret when they are whole `_`-separated parts of it. */
const SECRET_WORDS = new Set(['TOKEN', 'SECRET', 'SECRETS', 'PASSWORD', 'PASSWD', 'PASS', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'PRIVATE']);
/** Adjacent word pairs that do the same (`*_API_KEY`, `*_ACCESS_KEY`, `*_AUTH_KEY`). */
const SECRET_PAIRS = [['API', 'KEY'], ['ACCESS', 'KEY'], ['AUTH', 'KEY'], ['SECRET', 'KEY'], ['SIGNING', 'KEY'], ['AUTH', 'TOKEN']];
/** Values shorter than this are not compared (a key is long; "1" or "true" is not a key). */
const MIN_SECRET_VALUE = 8;

/** True when the name says the variable holds a secret. */
export function looksSecret(name: string): boolean {
  const words = name.toUpperCase().split(/_+/).filter(Boolean);
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return words.some((w, i) => SECRET_PAIRS.some(([a, b]) => w === a && words[i + 1] === b));
}

export interface ShellEnvOptions {
  /** Names to pass even though they look secret (SMALLCODE_SHELL_ENV_PASS). */
  pass?: readonly string[];
  /** Values of keys SmallCode was configured with (from .env or smallcode.toml too): never passed under any name. */
  secretValues?: readonly (string | undefined)[];
}

export interface ShellEnv {
  env: NodeJS.ProcessEnv;
  /** The names left out, sorted (for a notice; never the values). */
  removed: string[];
}

export function shellEnvironment(source: NodeJS.ProcessEnv, opts: ShellEnvOptions = {}): ShellEnv {
  const pass = new Set((opts.pass ?? []).map((n) => n.trim()).filter(Boolean));
  const configured = new Set(VARIABLES.filter((v) => v.secret).map((v) => v.name));
  const values = new Set((opts.secretValues ?? []).filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_VALUE));
  const env: NodeJS.ProcessEnv = {};
  const removed: string[] = [];
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const secret = configured.has(name) || looksSecret(name) || values.has(value);
    if (secret && !pass.has(name)) removed.push(name);
    else env[name] = value;
  }
  return { env, removed: removed.sort() };
}
