import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { FetchFailed, type FetchOptions, type FetchResult } from './meta-fetch.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

function proxyDispatcher(): Dispatcher | undefined {
  const env = process.env;
  return env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy ? new EnvHttpProxyAgent() : undefined;
}

async function readCapped(body: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw new FetchFailed(`response is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GITHUB_TOKEN is GitHub's: never sent to a mirror or a test server, never over plain HTTP. */
export function authorizationFor(url: URL, token: string | undefined): string | undefined {
  return token && url.protocol === 'https:' && url.hostname === 'api.github.com' && url.port === '' ? `Bearer ${token}` : undefined;
}

async function once(url: URL, options: FetchOptions, dispatcher: Dispatcher | undefined): Promise<FetchResult | { retry: string } | { redirect: string }> {
  const headers: Record<string, string> = { 'user-agent': options.userAgent, accept: 'application/vnd.github+json' };
  if (options.etag) headers['if-none-match'] = options.etag;
  const authorization = authorizationFor(url, options.token);
  if (authorization) headers.authorization = authorization;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, { headers, dispatcher, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    return { retry: `${url.host}: ${(error as Error).name === 'TimeoutError' || /timeout/i.test((error as Error).message) ? `no answer within ${options.timeoutMs} ms` : (error as Error).message}` };
  }
  const { statusCode } = response;
  const etag = typeof response.headers.etag === 'string' ? response.headers.etag : undefined;
  if (statusCode === 304) return (await response.body.dump(), { status: 'not-modified', etag: etag ?? options.etag });
  if (REDIRECTS.has(statusCode)) {
    await response.body.dump();
    return { redirect: String(response.headers.location ?? '') };
  }
  if (statusCode >= 500) return (await response.body.dump(), { retry: `${url.host} answered HTTP ${statusCode}` });
  if (statusCode !== 200) {
    await response.body.dump();
    const reset = response.headers['x-ratelimit-reset'];
    const limited = (statusCode === 403 || statusCode === 429) && response.headers['x-ratelimit-remaining'] === '0';
    const resetAt = new Date(Number(reset) * 1000);
    const when = limited && Number.isFinite(resetAt.getTime()) ? ` until ${resetAt.toISOString()}` : '';
    throw new FetchFailed(limited ? `rate-limited by ${url.host}${when}; set GITHUB_TOKEN or run less often` : `${url.host} answered HTTP ${statusCode}`);
  }
  try {
    return { status: 'ok', body: await readCapped(response.body, options.maxBytes), etag };
  } catch (error) {
    if (error instanceof FetchFailed) throw error;
    return { retry: `${url.host}: the body broke off (${(error as Error).message})` };
  }
}

function parseUrl(text: string, base: URL | undefined, what: string): URL {
  try {
    return new URL(text, base);
  } catch {
    throw new FetchFailed(`${JSON.stringify(what).slice(1, -1)} is not a valid URL`);
  }
}

/** Conditional GET with bounded retries on 5xx and network errors, same-host redirects only. */
export async function fetchOverHttp(options: FetchOptions): Promise<FetchResult> {
  const dispatcher = proxyDispatcher();
  let url = parseUrl(options.source, undefined, `--source ${options.source}`);
  let redirects = 0;
  let lastProblem = '';
  for (let attempt = 0; attempt <= options.retries; ) {
    const result = await once(url, options, dispatcher);
    if ('redirect' in result) {
      const next = parseUrl(result.redirect, url, `${url.host} redirected to ${result.redirect.slice(0, 100)}, which`);
      if (next.host !== url.host || (url.protocol === 'https:' && next.protocol !== 'https:')) throw new FetchFailed(`${url.host} redirected to ${next.protocol}//${next.host}; only same-host redirects are followed (use --source to point at the new address)`);
      if (++redirects > MAX_REDIRECTS) throw new FetchFailed(`more than ${MAX_REDIRECTS} redirects from ${options.source}`);
      url = next;
      continue;
    }
    if ('retry' in result) {
      lastProblem = result.retry;
      attempt++;
      if (attempt <= options.retries) await new Promise((r) => setTimeout(r, (options.backoffMs ?? 500) * 2 ** (attempt - 1)));
      continue;
    }
    return result;
  }
  throw new FetchFailed(`${lastProblem} (after ${options.retries + 1} attempts)`);
}
