import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

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

/** A saved response, refused unread when it is not a regular file or larger than `maxBytes`. */
function readCappedFile(path: string, maxBytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FetchFailed(`${path}: not a regular file`);
    if (stat.size > maxBytes) throw new FetchFailed(`${path}: larger than ${maxBytes} bytes`);
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof FetchFailed) throw error;
    throw new FetchFailed(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Conditional GET with bounded retries on 5xx and network errors, same-host redirects only. */
export async function fetchMeta(options: FetchOptions): Promise<FetchResult> {
  if (!/^https?:\/\//.test(options.source)) {
    return { status: 'ok', body: readCappedFile(options.source, options.maxBytes) };
  }
  // undici (about half a megabyte of bundle) loads only when the source is a URL.
  return (await import('./meta-http.js')).fetchOverHttp(options);
}
