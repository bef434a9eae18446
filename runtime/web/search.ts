/**
 * web_search results: DuckDuckGo's HTML results page by default (no key); the endpoint is
 * SMALLCODE_WEB_SEARCH_URL, which may also answer JSON in SearXNG's shape
 * ({ results: [{ title, url, content }] }).
 */
export const DEFAULT_SEARCH_URL = 'https://html.duckduckgo.com/html/';

export interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

/** The search request for `query` against `endpoint` (q= appended, the endpoint's own query kept). */
export function searchUrl(endpoint: string, query: string): string {
  const url = new URL(endpoint);
  url.searchParams.set('q', query);
  return url.href;
}

/** DuckDuckGo wraps result links as /l/?uddg=<target>; the target is what the model should fetch. */
function unwrapLink(href: string, base: string): string {
  try {
    const url = new URL(href, base);
    const target = url.searchParams.get('uddg');
    return target ?? url.href;
  } catch {
    return href;
  }
}

export async function parseResultsHtml(html: string, base: string): Promise<SearchResult[]> {
  const { parseHTML } = await import('linkedom');
  const { document } = parseHTML(html);
  const results: SearchResult[] = [];
  type ResultNode = { querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null; classList: { contains(c: string): boolean } };
  for (const node of Array.from(document.querySelectorAll('.result')) as unknown as ResultNode[]) {
    const link = node.querySelector('a.result__a');
    if (!link) continue;
    const href = link.getAttribute('href');
    if (!href || node.classList.contains('result--ad')) continue;
    results.push({
      title: (link.textContent ?? '').replace(/\s+/g, ' ').trim(),
      url: unwrapLink(href, base),
      snippet: (node.querySelector('.result__snippet')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    });
  }
  return results;
}

export function parseResultsJson(text: string): SearchResult[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = (data as { results?: unknown }).results;
  if (!Array.isArray(list)) return undefined;
  return list
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null && typeof (r as { url?: unknown }).url === 'string')
    .map((r) => ({ title: String(r.title ?? ''), url: String(r.url), snippet: String(r.content ?? r.snippet ?? '') }));
}

export function formatResults(results: SearchResult[], max: number): string {
  return results
    .slice(0, max)
    .map((r, i) => `${i + 1}. ${r.title || r.url}\n   ${r.url}${r.snippet ? `\n   ${r.snippet}` : ''}`)
    .join('\n');
}
