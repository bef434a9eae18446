import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitionConfig, CompletionRequest, PromptDef, ResolvedModel, RuntimeOptions } from '../../../runtime/cognition/index.js';
import { CognitionRuntime, MemoryCache, Tracer } from '../../../runtime/cognition/index.js';

export function tempDir(prefix = 'cognition-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function promptDef(overrides: Partial<PromptDef> = {}): PromptDef {
  return {
    name: 'pick', params: [{ name: 'message', type: { kind: 'string' } }], returns: { kind: 'enum', values: ['coding', 'chat'] },
    model: 'local', validate: [], onInvalid: [], constraints: [], idempotent: false, loc: 'agents/test.marrow:1', ...overrides,
  };
}

const model = (decl: string, available = true): ResolvedModel => ({ decl, available, name: decl });

export function config(overrides: Partial<CognitionConfig> = {}): CognitionConfig {
  return {
    prompts: {}, routers: {}, guards: [], defaultModel: 'local', budget: {}, templateDirs: [],
    models: { local: model('local'), medium: model('medium'), strong: model('strong') },
    ...overrides,
  };
}

export type Reply = string | Error | ((req: CompletionRequest) => Promise<string> | string);

/** A scripted CognitionHost: answers in order and records every request. */
export function scriptedHost(replies: Reply[], projectRoot = tempDir()) {
  const requests: CompletionRequest[] = [];
  return {
    requests,
    host: {
      projectRoot,
      async complete(req: CompletionRequest) {
        requests.push(req);
        const next = replies.shift();
        if (next === undefined) throw new Error('no scripted reply left');
        if (next instanceof Error) throw next;
        const text = typeof next === 'function' ? await next(req) : next;
        return { text, usage: { promptTokens: 10, completionTokens: 2 } };
      },
    },
  };
}

export function runtime(cfg: CognitionConfig, host: RuntimeOptions['host'], extra: Partial<RuntimeOptions> = {}) {
  const sleeps: number[] = [];
  const rt = new CognitionRuntime(cfg, {
    host, cache: new MemoryCache(), tracer: new Tracer(), random: () => 0.5,
    sleep: async (ms) => { sleeps.push(ms); }, ...extra,
  });
  return { rt, sleeps };
}
