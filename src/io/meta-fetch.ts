import { readFileSync } from 'node:fs';

export interface FetchOptions {
  source: string;
  etag?: string;
  token?: string;
  userAgent: string;
  timeoutMs: number;
  retries: number;
  maxBytes: number;
  /** Backoff base; tests shorten it. */
  backoffMs?: number;
}

export type FetchResult = { status: 'not-modified'; etag?: string } | { status: 'ok'; body: string; etag?: string };

/** A failure outside our control: network, HTTP status, size. Nothing has been changed. */
export class FetchFailed extends Error {}

/** Conditional GET with bounded retries on 5xx and network errors, same-host redirects only. */
export async function fetchMeta(options: FetchOptions): Promise<FetchResult> {
  if (!/^https?:\/\//.test(options.source)) {
    try {
      return { status: 'ok', body: readFileSync(options.source, 'utf8') };
    } catch (error) {
      throw new FetchFailed(`${options.source}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  // undici (about half a megabyte of bundle) loads only when the source is a URL.
  return (await import('./meta-http.js')).fetchOverHttp(options);
}
