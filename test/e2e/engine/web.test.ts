import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runTask, withProject } from './helpers.js';

type Body = { tools?: Array<{ function: { name: string } }>; messages: Array<{ role: string; content: string }> };
const toolMessages = (body: Body) => body.messages.filter((m) => m.role === 'tool').map((m) => m.content);

const ARTICLE = `<!doctype html><html><head><title>Gear ratios</title></head><body>
<nav><a href="/">Home</a> · <a href="/about">About</a> · Subscribe to the newsletter</nav>
<article><h1>Gear ratios</h1>
<p>A gear ratio is the number of teeth on the driven gear divided by the number of teeth on the driving gear.
A driving gear with 12 teeth turning a driven gear with 36 teeth gives a ratio of 3:1, so the output turns three times slower
and with three times the torque, less what friction takes.</p>
<p>Compound trains multiply the ratios of each meshing pair, which is how clocks reach a ratio of 720:1 in a small case.</p>
</article><footer>© Gears Ltd · cookie settings</footer></body></html>`;

/** The shape of DuckDuckGo's HTML results: wrapped links (/l/?uddg=…), snippets, an ad to leave out. */
const RESULTS = (base: string) => `<html><body>
<div class="result results_links"><h2><a class="result__a" href="//duckduckgo.com/l/?uddg=${encodeURIComponent(`${base}/gears`)}&amp;rut=1">Gear ratios</a></h2>
<a class="result__snippet" href="#">How <b>gear ratios</b> work.</a></div>
<div class="result result--ad"><h2><a class="result__a" href="https://ads.example/">Buy gears now</a></h2></div>
<div class="result"><h2><a class="result__a" href="https://example.org/trains">Gear trains</a></h2><div class="result__snippet">Compound trains.</div></div>
</body></html>`;

async function startPages(): Promise<{ base: string; port: number; queries: string[]; close(): Promise<void> }> {
  const queries: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/gears') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE);
    if (url.pathname === '/html/') {
      queries.push(url.searchParams.get('q') ?? '');
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(RESULTS(base));
    }
    res.writeHead(404).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
  return { base, port, queries, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('web tools through the real CLI (scripted model, pages on 127.0.0.1)', () => {
  it('searches a DuckDuckGo-shaped page, fetches an allowed loopback page as markdown, refuses private addresses', async () => {
    const pages = await startPages();
    try {
      await withProject({ 'README.md': '# demo\n' }, {
        turns: [
          { toolCalls: [{ name: 'web_search', arguments: { query: 'gear ratio' } }] },
          { toolCalls: [{ name: 'web_fetch', arguments: { url: `${pages.base}/gears` } }] },
          { toolCalls: [{ name: 'web_fetch', arguments: { url: 'http://169.254.169.254/latest/meta-data/' } }] },
          { toolCalls: [{ name: 'web_fetch', arguments: { url: 'http://192.168.1.1/' } }] },
          { content: 'A 12-tooth gear driving a 36-tooth gear gives 3:1.' },
        ],
      }, async (dir, server) => {
        const env = {
          SMALLCODE_WEB_BROWSE: 'true',
          SMALLCODE_WEB_ALLOW_HOSTS: '127.0.0.1',
          SMALLCODE_WEB_SEARCH_URL: `${pages.base}/html/`,
          SMALLCODE_CONTEXT_WINDOW: '32768',
          XDG_CONFIG_HOME: `${dir}/.xdg`,
        };
        const r = await runTask(server, dir, 'what is a gear ratio? look it up', ['--json'], env);
        expect(r.code, r.stderr).toBe(0);
        const result = JSON.parse(r.stdout);
        expect(result.toolCalls.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
          ['web_search', true], ['web_fetch', true], ['web_fetch', false], ['web_fetch', false],
        ]);
        expect(pages.queries).toEqual(['gear ratio']);
        const bodies = server.chatRequests().map((q) => q.body as Body);
        expect(bodies[0]!.tools!.map((t) => t.function.name)).toEqual(expect.arrayContaining(['web_search', 'web_fetch']));
        const [search, page, metadata, privateNet] = toolMessages(bodies[4]!);
        expect(search).toContain(`${pages.base}/gears`);
        expect(search).toContain('Gear ratios');
        expect(search).toContain('https://example.org/trains');
        expect(search).not.toContain('ads.example');
        expect(page).toContain('# Gear ratios');
        expect(page).toContain('gives a ratio of 3:1');
        expect(page).not.toContain('cookie settings');
        expect(page).not.toContain('<p>');
        expect(metadata).toMatch(/refused 169\.254\.169\.254/);
        expect(privateNet).toMatch(/refused 192\.168\.1\.1.*private/);
      });
    } finally {
      await pages.close();
    }
  });

  it('without SMALLCODE_WEB_BROWSE the web tools are not offered', async () => {
    await withProject({}, { turns: [{ content: 'No web here.' }] }, async (dir, server) => {
      const r = await runTask(server, dir, 'look something up', [], { SMALLCODE_CONTEXT_WINDOW: '32768', XDG_CONFIG_HOME: `${dir}/.xdg` });
      expect(r.code, r.stderr).toBe(0);
      const names = ((server.chatRequests()[0]!.body as Body).tools ?? []).map((t) => t.function.name);
      expect(names).not.toContain('web_fetch');
      expect(names).not.toContain('web_search');
      expect(names).toContain('read_file');
    });
  });
});
