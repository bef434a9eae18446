/**
 * One guarded HTTP(S) GET for the web tools: http(s) only; the host is resolved once, every
 * resolved address is checked, and the socket connects to the checked address (no second lookup
 * a rebinding DNS server could answer differently); each redirect (at most 5) is checked again;
 * the body and the time are capped.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { forbiddenRange } from './address.js';

export interface WebFetchOptions {
  /** Host names and addresses exempt from the address check (SMALLCODE_WEB_ALLOW_HOSTS). */
  allowHosts: Set<string>;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
  /** Resolves a host to all its addresses; default: the system resolver (dns.lookup). */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

export interface WebResponse {
  /** The URL finally answered, after redirects. */
  url: string;
  status: number;
  contentType: string;
  body: Buffer;
  /** The body was longer than maxBytes and was cut. */
  truncated: boolean;
}

export class WebRefusal extends Error {}

const DEFAULTS = { maxBytes: 2_000_000, timeoutMs: 15_000, maxRedirects: 5 };

function systemResolve(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
}

/** The address to connect to, after checking every address the host resolves to. */
async function checkedAddress(url: URL, opts: WebFetchOptions): Promise<LookupAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const hostAllowed = opts.allowHosts.has(host);
  const family = isIP(host);
  let addresses: LookupAddress[];
  if (family) addresses = [{ address: host, family }];
  else {
    try {
      addresses = await (opts.resolve ?? systemResolve)(host);
    } catch (err) {
      throw new WebRefusal(`cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (addresses.length === 0) throw new WebRefusal(`cannot resolve ${host}: no addresses`);
  }
  if (!hostAllowed) {
    for (const { address } of addresses) {
      const why = opts.allowHosts.has(address.toLowerCase()) ? undefined : forbiddenRange(address);
      if (why) {
        const via = family ? '' : ` (${host} resolves to ${address})`;
        throw new WebRefusal(`refused ${url.host}: ${why} address${via}; SMALLCODE_WEB_ALLOW_HOSTS lists hosts that may be reached`);
      }
    }
  }
  return addresses[0]!;
}

function parseUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new WebRefusal(`not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebRefusal(`refused ${url.protocol} URL: only http and https are fetched`);
  if (url.username || url.password) throw new WebRefusal('refused a URL with credentials in it');
  return url;
}

function getOnce(url: URL, target: LookupAddress, opts: Required<Pick<WebFetchOptions, 'maxBytes'>> & { signal: AbortSignal }) {
  // The socket asks this lookup, which answers with the address already checked.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; truncated: boolean }>((resolve, reject) => {
    const req = client.get(url, { lookup: pinned, signal: opts.signal, headers: { 'user-agent': 'SmallCode web_fetch', accept: 'text/html, text/plain, application/json;q=0.9, */*;q=0.5' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        res.resume();
        resolve({ status, headers: res.headers, body: Buffer.alloc(0), truncated: false });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = opts.maxBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          truncated = true;
          res.destroy();
          resolve({ status, headers: res.headers, body: Buffer.concat(chunks), truncated });
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks), truncated }));
      res.on('error', (err) => (truncated ? undefined : reject(err)));
    });
    req.on('error', reject);
  });
}

/** GETs `raw`, following up to maxRedirects redirects, each checked; throws WebRefusal when refused. */
export async function guardedGet(raw: string, opts: WebFetchOptions): Promise<WebResponse> {
  const { maxBytes, timeoutMs, maxRedirects } = { ...DEFAULTS, ...opts };
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let url = parseUrl(raw);
  for (let hop = 0; ; hop++) {
    const target = await checkedAddress(url, opts);
    let res;
    try {
      res = await getOnce(url, target, { maxBytes, signal });
    } catch (err) {
      if (timeout.aborted) throw new WebRefusal(`${url.host} did not answer within ${Math.round(timeoutMs / 1000)} s`);
      throw new WebRefusal(`fetching ${url.href} failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const location = res.headers.location;
    if (res.status >= 300 && res.status < 400 && location) {
      if (hop >= maxRedirects) throw new WebRefusal(`more than ${maxRedirects} redirects (last to ${location})`);
      url = parseUrl(location, url.href);
      continue;
    }
    return { url: url.href, status: res.status, contentType: String(res.headers['content-type'] ?? ''), body: res.body, truncated: res.truncated };
  }
}
