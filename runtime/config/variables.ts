/**
 * Every configuration variable SmallCode reads, with its type, default and meaning.
 * This table is the single source for validation, for `smallcode.toml` keys and for the
 * README's configuration table (test/unit/config checks the README lists every entry).
 */
export type VariableKind =
  | { type: 'string' }
  | { type: 'url' }
  | { type: 'bool' }
  | { type: 'int'; min: number; max: number; unit?: string }
  | { type: 'enum'; values: readonly string[] };

export interface VariableSpec {
  name: string;
  kind: VariableKind;
  default?: string;
  secret?: boolean;
  description: string;
}

const bool = { type: 'bool' } as const;
const str = { type: 'string' } as const;
const url = { type: 'url' } as const;

export const VARIABLES: readonly VariableSpec[] = [
  { name: 'SMALLCODE_MODEL', kind: str, description: 'Model id to use. Default: the model the server lists (asks when several, interactively).' },
  { name: 'SMALLCODE_BASE_URL', kind: url, description: 'OpenAI-compatible base URL, e.g. http://localhost:11434/v1. Default: OPENAI_BASE_URL or OLLAMA_HOST when set, else probe LM Studio (1234), Ollama (11434), llama.cpp server (8080) and vLLM (8000) on 127.0.0.1.' },
  { name: 'SMALLCODE_API_KEY', kind: str, secret: true, description: 'API key sent to SMALLCODE_BASE_URL (local servers need none; OPENAI_API_KEY is used when this is unset).' },
  { name: 'SMALLCODE_CONTEXT_WINDOW', kind: { type: 'int', min: 1024, max: 2_000_000, unit: 'tokens' }, description: 'Force the context window instead of asking the server.' },
  { name: 'SMALLCODE_MODEL_MEDIUM', kind: str, description: 'Model of the medium tier (routing when the small model keeps failing).' },
  { name: 'SMALLCODE_BASE_URL_MEDIUM', kind: url, description: 'Endpoint of the medium tier (default: SMALLCODE_BASE_URL).' },
  { name: 'SMALLCODE_MODEL_STRONG', kind: str, description: 'Model of the strong tier (escalation, e.g. a cloud model).' },
  { name: 'SMALLCODE_BASE_URL_STRONG', kind: url, description: 'Endpoint of the strong tier (default: SMALLCODE_BASE_URL).' },
  { name: 'SMALLCODE_CLOUD_MAX_REQUESTS', kind: { type: 'int', min: 0, max: 1_000_000 }, default: '30', description: 'Most requests the strong (cloud) tier gets per session; past it SmallCode says so and goes on with the local model.' },
  { name: 'SMALLCODE_CLOUD_MAX_TOKENS', kind: { type: 'int', min: 0, max: 1_000_000_000, unit: 'tokens' }, default: '300000', description: 'Most tokens (prompt + reply) the strong (cloud) tier gets per session.' },
  { name: 'SMALLCODE_VERIFY_RETRIES', kind: { type: 'int', min: 0, max: 10 }, default: '2', description: "How often a task's failing checks go back to the model before the task ends as failed." },
  { name: 'SMALLCODE_VERIFY_ESCALATE', kind: bool, default: 'true', description: 'Checks still failing after the retries: hand the rest of the task to SMALLCODE_MODEL_STRONG when it is set.' },
  { name: 'SMALLCODE_MODEL_TIMEOUT', kind: { type: 'int', min: 1, max: 86_400, unit: 's' }, default: '300', description: 'Seconds to wait for the first token of a reply (prompt processing on a CPU can take minutes) before the attempt is aborted and retried.' },
  { name: 'SMALLCODE_MODEL_IDLE_TIMEOUT', kind: { type: 'int', min: 1, max: 86_400, unit: 's' }, default: '60', description: 'Seconds a reply may stay silent after its first token before the attempt is aborted and retried.' },
  { name: 'SMALLCODE_MODEL_RETRY_BUDGET', kind: { type: 'int', min: 1, max: 86_400, unit: 's' }, default: '900', description: 'Seconds all attempts of one model request may take together, waits between them included.' },
  { name: 'SMALLCODE_MODEL_WAIT_NOTICE', kind: { type: 'int', min: 1, max: 3_600, unit: 's' }, default: '15', description: 'How often a wait for the model is reported (what for, how long so far).' },
  { name: 'SMALLCODE_MAX_REPLY_TOKENS', kind: { type: 'int', min: 16, max: 10_000_000, unit: 'tokens' }, default: '16384', description: 'Longest reply accepted (counted as it streams); a longer one is stopped with a message, so an endless stream ends.' },
  { name: 'SMALLCODE_THINKING_BUDGET', kind: { type: 'int', min: 0, max: 1_000_000, unit: 'tokens' }, default: '2000', description: 'Most thinking tokens accepted per reply; past it the reply is re-asked with thinking off. Thinking never enters history.' },
  { name: 'SMALLCODE_THINKING_DISABLE', kind: bool, default: 'false', description: 'Ask servers to switch thinking off entirely.' },
  { name: 'SMALLCODE_KNOWLEDGE_MAX_TOKENS', kind: { type: 'int', min: 0, max: 100_000, unit: 'tokens' }, default: '1500', description: 'Cap on injected project knowledge (project summary, AGENTS.md); the same cap, separately, on the knowledge/ sections injected per task.' },
  { name: 'SMALLCODE_WEB_BROWSE', kind: bool, default: 'false', description: 'Offer web_fetch and web_search (SMALLCODE_WEB_ALLOW_HOSTS exempts hosts from the private-address refusal; SMALLCODE_WEB_SEARCH_URL replaces the DuckDuckGo endpoint).' },
  { name: 'SMALLCODE_WEB_ALLOW_HOSTS', kind: str, description: 'Hosts or addresses (comma- or space-separated, e.g. 127.0.0.1,intranet.local) the web tools may reach although they are, or resolve to, loopback, private, link-local or metadata addresses, which are refused otherwise. See docs/extensions.md.' },
  { name: 'SMALLCODE_WEB_SEARCH_URL', kind: url, description: "web_search's endpoint instead of DuckDuckGo's HTML results: a page shaped like them, or a SearXNG instance with format=json (the query is added as q=)." },
  { name: 'SMALLCODE_WRITE_GUARD', kind: bool, default: 'true', description: 'Refuse the first write to an existing file the session has not read.' },
  { name: 'SMALLCODE_DEDUP', kind: bool, default: 'true', description: 'Answer identical read-only tool calls within a window from the previous result.' },
  { name: 'SMALLCODE_EVIDENCE_DISABLE', kind: bool, default: 'false', description: 'Neither record what each task tried, failed and did (the evidence in .smallcode/store.db) nor inject earlier tasks\' evidence at a task\'s start.' },
  { name: 'SMALLCODE_STORE', kind: { type: 'enum', values: ['auto', 'json'] }, default: 'auto', description: 'Where memory is kept: auto (SQLite, .smallcode/store.db, when better-sqlite3 loads; else the JSON-lines file, said once), json (always .smallcode/store.jsonl).' },
  { name: 'SMALLCODE_DATA_DIR', kind: str, description: 'The user\'s data directory (global memory). Default: $XDG_DATA_HOME/smallcode or ~/.local/share/smallcode; ~/Library/Application Support/smallcode on macOS; %LOCALAPPDATA%\\smallcode on Windows.' },
  { name: 'SMALLCODE_PLAN', kind: { type: 'enum', values: ['auto', 'true', 'false'] }, default: 'auto', description: 'Plan tasks into steps in .smallcode/TODO.md, each checked off only when its check passes: auto (the plan rule in agents/core.marrow), true (every task), false (never).' },
  { name: 'SMALLCODE_SNAPSHOT', kind: bool, default: 'true', description: 'Keep the original of every edited file under .smallcode/snapshots/.' },
  { name: 'SMALLCODE_SNAPSHOT_AUTO_ROLLBACK', kind: bool, default: 'false', description: 'Restore the files a turn changed when the turn hard-fails.' },
  { name: 'SMALLCODE_TEST_RUNNER', kind: str, description: 'Test command to validate steps with (default: detected from the project).' },
  { name: 'SMALLCODE_TEST_DISABLE', kind: bool, default: 'false', description: 'Never run the project tests for validation.' },
  { name: 'SMALLCODE_BOOTSTRAP', kind: bool, default: 'true', description: 'Inject the project summary and AGENTS.md at the start of a session.' },
  { name: 'SMALLCODE_TEMP_ADAPT', kind: bool, default: 'true', description: 'Retry a failed edit at a lower, then higher, then the base temperature.' },
  { name: 'SMALLCODE_TRUST_DECAY', kind: bool, default: 'true', description: 'Demote a tool after repeated failures, drop it for the rest of the task after more (agents/core.marrow: `trust { scope }`).' },
  { name: 'SMALLCODE_SHELL_PERSIST', kind: bool, default: 'true', description: 'One persistent shell per session (cd and variables survive); false: a fresh shell per call.' },
  { name: 'SMALLCODE_COMPACT', kind: { type: 'enum', values: ['auto', 'true', 'false'] }, default: 'auto', description: 'Compact mode (short tool descriptions; the categories in `context.compact_open` offered from the start, others added when the model asks with use_tools): auto (when the context window is at most `context.compact_at`, 16384 tokens by default), true (always), false (never). Part of the survival kit.' },
  { name: 'SMALLCODE_OLLAMA_KEEP_ALIVE', kind: str, default: '30m', description: 'How long Ollama keeps the model loaded after a request (its keep_alive: 30m, 2h, -1 for always, 0 to unload at once); the prompt cache lives as long, so a pause longer than Ollama\'s own 5 minutes does not cost a prefill of the whole conversation. `server`: leave it to Ollama\'s own setting.' },
  { name: 'SMALLCODE_SANDBOX', kind: { type: 'enum', values: ['auto', 'on', 'off'] }, default: 'auto', description: 'Run the shell in a sandbox (bubblewrap on Linux, sandbox-exec on macOS): writes only in the project and the temp folder, no network. auto: on for `smallcode run`, offered in the terminal; on: required (commands are refused when no sandbox works); off. See docs/security.md.' },
  { name: 'SMALLCODE_SANDBOX_NETWORK', kind: bool, default: 'false', description: 'Allow network access from inside the shell sandbox.' },
  { name: 'SMALLCODE_APPROVAL', kind: { type: 'enum', values: ['never', 'on-request', 'untrusted'] }, description: 'When shell commands ask first: never (run everything), on-request (ask only when no sandbox confines the command), untrusted (every command not on the read-only allowlist or the project\'s always-allow list asks). Default: untrusted in the terminal (--yes: never), never for `smallcode run`, where asking is impossible and a command that would ask is refused.' },
  { name: 'SMALLCODE_SHELL_ENV_PASS', kind: str, description: 'Variables passed to shell commands although they look secret (comma-separated names, e.g. GITHUB_TOKEN,NPM_TOKEN). Otherwise *_API_KEY, *_TOKEN, *_SECRET, passwords and the configured keys are withheld.' },
  { name: 'SMALLCODE_ALLOW_CONFIG_WRITES', kind: bool, default: 'false', description: 'Let `smallcode run` write files that configure or run code outside the conversation (.env, smallcode.toml, .mcp.json, .git/hooks/*, .git/config) without asking; the terminal always asks.' },
  { name: 'SMALLCODE_SURVIVAL_KIT', kind: bool, default: 'true', description: 'false turns off the compensations for small models (text tool-call parsing, argument repair, context eviction, guards, compact mode), to measure what they are worth.' },
  { name: 'ANTHROPIC_API_KEY', kind: str, secret: true, description: 'Key sent to a model tier on api.anthropic.com (e.g. SMALLCODE_BASE_URL_STRONG=https://api.anthropic.com/v1/).' },
  { name: 'OPENAI_API_KEY', kind: str, secret: true, description: 'Key sent to a model tier on api.openai.com (also used for SMALLCODE_BASE_URL when SMALLCODE_API_KEY is unset).' },
  { name: 'DEEPSEEK_API_KEY', kind: str, secret: true, description: 'Key sent to a model tier on api.deepseek.com.' },
  { name: 'OPENAI_BASE_URL', kind: url, description: "The OpenAI SDK's base URL variable: used when SMALLCODE_BASE_URL is unset." },
  { name: 'OLLAMA_HOST', kind: str, description: "Ollama's address (host, host:port or a URL, as the ollama command reads it): used as http://HOST:PORT/v1 when SMALLCODE_BASE_URL and OPENAI_BASE_URL are unset." },
];

export const VARIABLE_NAMES = new Set(VARIABLES.map((v) => v.name));
