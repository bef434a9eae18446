/** Small JSON-over-HTTP helper for the servers' native endpoints (probing, model info). */
export interface FetchJsonOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  timeoutMs: number;
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export async function fetchJson<T = unknown>(url: string, opts: FetchJsonOptions): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    throw new HttpError(describeNetworkError(err, opts.timeoutMs), undefined, networkCode(err));
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    throw new HttpError(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, res.status);
  }
  try {
    return (await res.json()) as T;
  } catch {
    throw new HttpError('answered with something that is not JSON', res.status);
  }
}

/** A successful answer that is a web page, not an API reply (a proxy, a UI served on the API's port). */
export function isHtmlAnswer(res: Response): boolean {
  return res.ok && /\btext\/html\b/i.test(res.headers.get('content-type') ?? '');
}

export function htmlAnswerMessage(baseUrl: string, status: number): string {
  return `the server sent HTML (HTTP ${status}, a web page) instead of an API reply: is ${baseUrl} the OpenAI-compatible endpoint (usually ending in /v1)?`;
}

function networkCode(err: unknown): string | undefined {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'TIMEOUT';
  return e?.cause?.code;
}

export function describeNetworkError(err: unknown, timeoutMs?: number): string {
  const code = networkCode(err);
  if (code === 'TIMEOUT') return `did not answer within ${Math.round((timeoutMs ?? 0) / 100) / 10} s`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return (err as Error)?.message ?? String(err);
}
