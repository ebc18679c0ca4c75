import { allowlistsFromMeta, MetaRejected } from '../allowlist/validate.js';
import { EXIT, UserError } from '../errors.js';
import { spinner } from '../output.js';
import type { Project } from '../project.js';
import { FetchFailed, fetchMeta } from './meta-fetch.js';

export const GITHUB_META_URL = 'https://api.github.com/meta';
const MAX_BYTES = 10 * 1024 * 1024;

export const fail = (message: string, code: number = EXIT.outside) => new UserError(`refresh-allowlist: ${message}`, undefined, code);

/** The new lists from the meta API (or a file), or `next: null` when it answered 304. */
export async function fetchLists(project: Project, options: { source?: string; json?: boolean; verbose?: boolean }, request: { etag?: string; timeoutMs: number; retries: number }): Promise<{ source: string; etag?: string; next: Record<string, string[]> | null }> {
  const source = options.source ?? GITHUB_META_URL;
  const stop = spinner(`fetching ${source}`, !options.json && !options.verbose);
  let fetched;
  try {
    fetched = await fetchMeta({
      source,
      etag: request.etag,
      token: process.env.GITHUB_TOKEN || undefined,
      userAgent: `proxygen/${__PROXYGEN_VERSION__}`,
      timeoutMs: request.timeoutMs,
      retries: request.retries,
      maxBytes: MAX_BYTES,
      backoffMs: Number(process.env.PROXYGEN_BACKOFF_MS ?? 500),
    });
  } catch (error) {
    throw error instanceof FetchFailed ? fail(error.message) : error;
  } finally {
    stop();
  }
  if (fetched.status === 'not-modified') return { source, etag: fetched.etag, next: null };
  try {
    return { source, etag: fetched.etag, next: allowlistsFromMeta(fetched.body, project.plan.allowlists) };
  } catch (error) {
    throw error instanceof MetaRejected ? fail(`refused the response from ${source}: ${error.message}; nothing was changed`) : error;
  }
}

/** Never an empty list; a list that lost more than half its ranges only with --force. */
export function refuseSuspicious(changes: { name: string; before: number; after: number }[], force?: boolean): void {
  for (const change of changes) {
    if (change.after === 0) throw fail(`${change.name} would be empty; refused`);
    if (change.before > 0 && change.after * 2 < change.before && !force) {
      throw fail(`${change.name} would shrink from ${change.before} to ${change.after} ranges (more than half); refused, use --force if that is right`);
    }
  }
}
