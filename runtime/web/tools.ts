/** web_fetch and web_search, offered only with SMALLCODE_WEB_BROWSE=true. */
import { z } from 'zod';
import { defineTool, type Tool, type ToolResult } from '../tools/tool.js';
import { parseAllowHosts } from './address.js';
import { guardedGet, WebRefusal, type WebFetchOptions } from './fetch.js';
import { readableBody } from './readable.js';
import { DEFAULT_SEARCH_URL, formatResults, parseResultsHtml, parseResultsJson, searchUrl } from './search.js';

export interface WebToolOptions {
  /** SMALLCODE_WEB_ALLOW_HOSTS, as written. */
  allowHosts?: string;
  /** SMALLCODE_WEB_SEARCH_URL; default DuckDuckGo's HTML results. */
  searchUrl?: string;
  /** Override the caps and the resolver (tests). */
  fetch?: Partial<WebFetchOptions>;
}

const MAX_RESULTS = 8;

/** The one shell both web tools share: a single string argument, read-only, a refusal answered as a tool failure. */
function webTool<Key extends string>(spec: {
  name: string;
  description: string;
  key: Key;
  arg: z.ZodString;
  aliases: Record<string, Key>;
  capHint: string;
  run(value: string, signal: AbortSignal | undefined): Promise<ToolResult>;
}): Tool {
  const args = z.object({ [spec.key]: spec.arg } as Record<Key, z.ZodString>);
  return defineTool<Record<Key, string>>({
    name: spec.name,
    category: 'web',
    description: () => spec.description,
    args: args as unknown as z.ZodType<Record<Key, string>>,
    readOnly: true,
    aliases: spec.aliases,
    capHint: spec.capHint,
    async execute(values, ctx) {
      try {
        return await spec.run(values[spec.key], ctx.signal);
      } catch (err) {
        if (err instanceof WebRefusal) return { ok: false, output: err.message, errorKind: 'refused' };
        throw err;
      }
    },
  });
}

export function webTools(options: WebToolOptions): Tool[] {
  const allowHosts = parseAllowHosts(options.allowHosts);
  const fetchOptions = (signal?: AbortSignal): WebFetchOptions => ({ allowHosts, ...options.fetch, ...(signal ? { signal } : {}) });

  const webFetch = webTool({
    name: 'web_fetch',
    description: 'Fetch a web page as readable markdown (plain text and JSON as they are).',
    key: 'url',
    arg: z.string().describe('http(s) URL'),
    aliases: { link: 'url', href: 'url', address: 'url' },
    capHint: 'Fetch a more specific page.',
    async run(raw, signal) {
      const url = raw.trim();
      const res = await guardedGet(url, fetchOptions(signal));
      const page = await readableBody(res.body, res.contentType);
      if (!page) return { ok: false, output: `${res.url} answered ${res.contentType || 'an unknown type'}, which is not text.`, errorKind: 'not_text' };
      const head = [res.status >= 400 ? `HTTP ${res.status}` : '', page.title ? `# ${page.title}` : '', res.url !== url ? `(from ${res.url})` : '']
        .filter(Boolean)
        .join('\n');
      const tail = res.truncated ? '\n[… page cut at the size cap]' : '';
      return { ok: res.status < 400, output: `${head ? `${head}\n\n` : ''}${page.text}${tail}`, ...(res.status >= 400 ? { errorKind: 'http_status' } : {}) };
    },
  });

  const webSearch = webTool({
    name: 'web_search',
    description: 'Search the web; answers titles, URLs and snippets (read one with web_fetch).',
    key: 'query',
    arg: z.string().min(1).describe('what to search the web for'),
    aliases: { q: 'query', search: 'query', text: 'query' },
    capHint: 'Search for something narrower.',
    async run(query, signal) {
      const endpoint = options.searchUrl?.trim() || DEFAULT_SEARCH_URL;
      let request: string;
      try {
        request = searchUrl(endpoint, query);
      } catch {
        return { ok: false, output: `SMALLCODE_WEB_SEARCH_URL is not a URL: ${endpoint}`, errorKind: 'config' };
      }
      const res = await guardedGet(request, fetchOptions(signal));
      if (res.status >= 400) return { ok: false, output: `the search endpoint ${new URL(endpoint).host} answered HTTP ${res.status}`, errorKind: 'http_status' };
      const text = res.body.toString('utf8');
      const results = (res.contentType.includes('json') ? parseResultsJson(text) : undefined) ?? (await parseResultsHtml(text, res.url));
      if (results.length === 0) return { ok: true, output: `No results for '${query}'.` };
      return { ok: true, output: formatResults(results, MAX_RESULTS) };
    },
  });
  return [webFetch, webSearch];
}

/** The start-up note for a model under 20B parameters (from its name, e.g. qwen3:8b). */
export function smallModelWebNote(model: string): string | undefined {
  const m = /(?:^|[^0-9.])(\d+(?:\.\d+)?)\s*b(?![a-z])/i.exec(model);
  if (!m) return undefined;
  const billions = Number(m[1]);
  if (!(billions < 20)) return undefined;
  return `web tools are on with a ${billions}B model: small models are easily misled by web pages; check what it takes from them`;
}
