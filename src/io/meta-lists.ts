import { ALLOWLIST_SOURCES } from '../allowlist/sources.js';
import { allowlistsFromData, MetaRejected, parseBody } from '../allowlist/validate.js';
import type { AllowlistSource } from '../config/schema.js';
import { EXIT, UserError } from '../errors.js';
import { spinner } from '../output.js';
import type { Project } from '../project.js';
import { FetchFailed, fetchMeta } from './meta-fetch.js';

export const GITHUB_META_URL = ALLOWLIST_SOURCES['github-meta'].url;
const MAX_BYTES = 10 * 1024 * 1024;

export const fail = (message: string, code: number = EXIT.outside) => new UserError(`refresh-allowlist: ${message}`, undefined, code);

export interface SourceOptions {
  /** The address or file of the one source a config uses, or of GitHub's when it uses both. */
  source?: string;
  cloudflareSource?: string;
  json?: boolean;
  verbose?: boolean;
}

/** The sources a config's allowlists come from, each with where to fetch it this run. */
function sourcesOf(project: Project, options: SourceOptions): { name: AllowlistSource; where: string }[] {
  const names = [...new Set(Object.values(project.config.allowlists).map((list) => list.source))].sort();
  const flag = (name: AllowlistSource) => (name === 'cloudflare-ips' ? (options.cloudflareSource ?? (names.length === 1 ? options.source : undefined)) : options.source);
  return names.map((name) => ({ name, where: flag(name) ?? ALLOWLIST_SOURCES[name].url }));
}

/**
 * The new lists from every source the config uses (or a file for each), or `next: null` when the
 * one source answered 304. With two sources there is no conditional request: both are fetched
 * and the lists compared, which costs two small requests per run.
 */
export async function fetchLists(project: Project, options: SourceOptions, request: { etag?: string; timeoutMs: number; retries: number }): Promise<{ source: string; etag?: string; next: Record<string, string[]> | null }> {
  const sources = sourcesOf(project, options);
  const single = sources.length === 1;
  const data: Record<string, unknown> = {};
  let etag: string | undefined;
  for (const { name, where } of sources) {
    const stop = spinner(`fetching ${where}`, !options.json && !options.verbose);
    let fetched;
    try {
      fetched = await fetchMeta({
        source: where,
        etag: single ? request.etag : undefined,
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
    if (fetched.status === 'not-modified') return { source: where, etag: fetched.etag, next: null };
    if (single) etag = fetched.etag;
    try {
      Object.assign(data, ALLOWLIST_SOURCES[name].sections(parseBody(fetched.body)));
    } catch (error) {
      throw error instanceof MetaRejected ? fail(`refused the response from ${where}: ${error.message}; nothing was changed`) : error;
    }
  }
  const source = sources.map((s) => s.where).join(' and ');
  try {
    return { source, etag, next: allowlistsFromData(data, project.plan.allowlists) };
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
