/**
 * YAML calls, usually in a ```yaml fence or as the whole reply:
 *   name: read_file
 *   arguments:
 *     path: src/app.ts
 * Read with the same shape rules as bare JSON (full name+arguments shape, or a known tool name).
 * The yaml package is loaded only when a reply looks like a YAML call.
 */
import { createRequire } from 'node:module';
import { callsFromJson } from '../call-shapes.js';
import type { DetectContext, Dialect, DialectMatch } from '../types.js';

const NAME_LINE = /^[ \t]*-?[ \t]*(?:name|tool|tool_name|function|action)[ \t]*:[ \t]*\S/m;

type YamlModule = { parse(src: string, opts?: Record<string, unknown>): unknown };
let yamlModule: YamlModule | null | undefined;

function loadYaml(): YamlModule | null {
  if (yamlModule === undefined) {
    try {
      yamlModule = createRequire(import.meta.url)('yaml') as YamlModule;
    } catch {
      yamlModule = null;
    }
  }
  return yamlModule;
}

function readYaml(src: string, ctx: DetectContext) {
  if (!NAME_LINE.test(src)) return undefined;
  const yaml = loadYaml();
  if (!yaml) return undefined;
  let value: unknown;
  try {
    value = yaml.parse(src, { maxAliasCount: 50, prettyErrors: false });
  } catch {
    return undefined;
  }
  const shaped = callsFromJson(value, { wrapped: false, toolNames: ctx.toolNames });
  if (!shaped) return undefined;
  const known = shaped.calls.every((c) => ctx.toolNames.has(c.name));
  return shaped.strength === 'full' || known ? shaped.calls : undefined;
}

const FENCE = /```(?:yaml|yml)[ \t]*\r?\n/g;

export const yamlCalls: Dialect = {
  name: 'yaml',
  strength: 'bare',
  detect(text, ctx) {
    const out: DialectMatch[] = [];
    FENCE.lastIndex = 0;
    for (let m = FENCE.exec(text); m; m = FENCE.exec(text)) {
      const bodyStart = m.index + m[0].length;
      const close = text.indexOf('```', bodyStart);
      const bodyEnd = close === -1 ? text.length : close;
      const calls = readYaml(text.slice(bodyStart, bodyEnd), ctx);
      if (calls) out.push({ start: m.index, end: close === -1 ? bodyEnd : close + 3, dialect: 'yaml', calls });
      FENCE.lastIndex = bodyEnd;
    }
    if (out.length === 0) {
      const trimmed = text.trim();
      // A whole reply in YAML: at least two lines and no braces (JSON is read elsewhere).
      if (trimmed.includes('\n') && !/^[{[]/.test(trimmed) && trimmed.length < 20_000) {
        const calls = readYaml(trimmed, ctx);
        if (calls) out.push({ start: text.indexOf(trimmed), end: text.indexOf(trimmed) + trimmed.length, dialect: 'yaml', calls });
      }
    }
    return out;
  },
};
