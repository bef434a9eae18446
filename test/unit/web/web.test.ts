import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forbiddenRange, parseAllowHosts } from '../../../runtime/web/address.js';
import { guardedGet, WebRefusal } from '../../../runtime/web/fetch.js';
import { smallModelWebNote, webTools } from '../../../runtime/web/tools.js';

const ARTICLE = `<!doctype html><html><head><title>Widget guide</title></head><body>
<nav><a href="/">Home</a> <a href="/x">Menu item</a></nav>
<article><h1>Widget guide</h1><p>${'Widgets turn gears into motion and need oiling every week. '.repeat(8)}</p>
<h2>Setup</h2><p>Install the widget with <code>npm install widget</code> and restart.</p></article>
<footer>Copyright footer</footer><script>var hidden = 1;</script></body></html>`;
const DDG = `<html><body><div class="results">
<div class="result results_links"><h2><a class="result__a" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Fexample.org%2Fwidgets&amp;rut=1">Widgets &amp; gears</a></h2>
<a class="result__snippet" href="#">All about <b>widgets</b>.</a></div>
<div class="result result--ad"><h2><a class="result__a" href="https://ads.example/">Buy now</a></h2></div>
<div class="result"><h2><a class="result__a" href="https://example.com/two">Second</a></h2><div class="result__snippet">Two.</div></div>
</div></body></html>`;

let server: Server;
let base: string;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/page') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE);
    else if (url.pathname === '/json') res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
    else if (url.pathname === '/to-private') res.writeHead(302, { location: 'http://10.1.2.3/secret' }).end();
    else if (url.pathname.startsWith('/loop')) res.writeHead(302, { location: `/loop${Number(url.pathname.slice(5) || 0) + 1}` }).end();
    else if (url.pathname === '/big') res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(50_000));
    else if (url.pathname === '/html/') res.writeHead(200, { 'content-type': 'text/html' }).end(url.searchParams.get('q') === 'widgets' ? DDG : '<html><body></body></html>');
    else if (url.pathname === '/searx') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [{ title: 'S', url: 'https://s.example/', content: 'snip' }] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const allowLoopback = { allowHosts: parseAllowHosts('127.0.0.1') };
const ctx = {} as never;

describe('address policy', () => {
  it('refuses every private, loopback, link-local and metadata address, also IPv4-mapped', () => {
    for (const a of ['127.0.0.1', '10.0.0.5', '172.16.9.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00:ec2::254', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a00:1']) {
      expect(forbiddenRange(a), a).toBeDefined();
    }
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (b, c, d) => {
      expect(forbiddenRange(`10.${b}.${c}.${d}`)).toBe('private');
      expect(forbiddenRange(`127.${b}.${c}.${d}`)).toBe('loopback');
      expect(forbiddenRange(`::ffff:192.168.${c}.${d}`)).toBe('private');
    }));
  });
  it('lets public addresses through, including near misses of the private ranges', () => {
    for (const a of ['8.8.8.8', '172.15.255.255', '172.32.0.1', '192.169.0.1', '11.0.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(forbiddenRange(a), a).toBeUndefined();
    }
  });
});

describe('guardedGet against a real loopback server', () => {
  it('refuses loopback unless allowed, by address and by a name that resolves there', async () => {
    await expect(guardedGet(`${base}/page`, { allowHosts: new Set() })).rejects.toThrow(/refused 127\.0\.0\.1:\d+: loopback/);
    await expect(guardedGet(`http://localhost:${port}/page`, { allowHosts: new Set() })).rejects.toThrow(/loopback address \(localhost resolves to/);
    const res = await guardedGet(`http://localhost:${port}/page`, { allowHosts: parseAllowHosts('localhost'), resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect(res.status).toBe(200);
  });
  it('checks every resolved address and connects to the checked one (DNS rebinding)', async () => {
    const resolve = async () => [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }];
    await expect(guardedGet(`http://rebind.test:${port}/page`, { allowHosts: new Set(), resolve })).rejects.toThrow(/rebind\.test resolves to 127\.0\.0\.1/);
    // Resolved once to an allowed address: the socket goes there, no second lookup of the name.
    let lookups = 0;
    const once = async () => (lookups++, [{ address: '127.0.0.1', family: 4 }]);
    const res = await guardedGet(`http://pinned.test:${port}/json`, { ...allowLoopback, resolve: once });
    expect(res.body.toString()).toBe('{"a":1}');
    expect(lookups).toBe(1);
  });
  it('re-checks redirects, stops after 5, refuses other schemes and caps the size', async () => {
    await expect(guardedGet(`${base}/to-private`, allowLoopback)).rejects.toThrow(/refused 10\.1\.2\.3: private/);
    await expect(guardedGet(`${base}/loop`, allowLoopback)).rejects.toThrow(/more than 5 redirects/);
    await expect(guardedGet('file:///etc/passwd', allowLoopback)).rejects.toThrow(WebRefusal);
    const big = await guardedGet(`${base}/big`, { ...allowLoopback, maxBytes: 1000 });
    expect(big.body.length).toBe(1000);
    expect(big.truncated).toBe(true);
  });
});

describe('web tools', () => {
  it('web_fetch answers the main content as markdown; JSON as it is; refusals are results', async () => {
    const [fetchTool] = webTools({ allowHosts: '127.0.0.1' });
    const page = await fetchTool!.execute({ url: `${base}/page` }, ctx);
    expect(page.ok).toBe(true);
    expect(page.output).toContain('# Widget guide');
    expect(page.output).toContain('## Setup');
    expect(page.output).toContain('`npm install widget`');
    expect(page.output).not.toContain('hidden = 1');
    expect(page.output).not.toContain('Copyright footer');
    expect((await fetchTool!.execute({ url: `${base}/json` }, ctx)).output).toBe('{"a":1}');
    const refused = await webTools({})[0]!.execute({ url: `${base}/page` }, ctx);
    expect(refused).toMatchObject({ ok: false, errorKind: 'refused' });
  });
  it('web_search reads DuckDuckGo-shaped results (links unwrapped, ads skipped) and SearXNG JSON', async () => {
    const search = webTools({ allowHosts: '127.0.0.1', searchUrl: `${base}/html/` })[1]!;
    const r = await search.execute({ query: 'widgets' }, ctx);
    expect(r.output).toBe('1. Widgets & gears\n   https://example.org/widgets\n   All about widgets.\n2. Second\n   https://example.com/two\n   Two.');
    expect((await search.execute({ query: 'nothing' }, ctx)).output).toBe("No results for 'nothing'.");
    const searx = webTools({ allowHosts: '127.0.0.1', searchUrl: `${base}/searx?format=json` })[1]!;
    expect((await searx.execute({ query: 'x' }, ctx)).output).toBe('1. S\n   https://s.example/\n   snip');
    expect((await webTools({ searchUrl: `${base}/html/` })[1]!.execute({ query: 'widgets' }, ctx)).output).toMatch(/loopback/);
  });
  it('notes small models by the size in their name only', () => {
    expect(smallModelWebNote('qwen3:8b')).toMatch(/8B model/);
    expect(smallModelWebNote('llama-3.1-8B-instruct')).toMatch(/8B/);
    expect(smallModelWebNote('qwen3:32b')).toBeUndefined();
    expect(smallModelWebNote('gpt-oss')).toBeUndefined();
  });
});
