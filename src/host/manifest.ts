import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Install } from '../config/install-schema.js';
import type { TargetName } from '../config/schema.js';
import { UserError } from '../errors.js';
import { readIfExists } from '../io/write.js';
import { hostLayout, type HostLayout } from './layout.js';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What one applied site contributes: its own files and its part of the shared ones. */
export interface SiteRecord {
  domain: string;
  /** The proxygen.yaml it was applied from (absolute). */
  config: string;
  targets: TargetName[];
  /** Live paths this site alone owns (not root-prefixed). */
  files: string[];
  /** Each target's part of a file composed from every site (see src/host/installers). */
  fragments: Partial<Record<TargetName, string>>;
  /** Where the proxy answers this site (`127.0.0.1:443`), probed after a reload. */
  probe: string;
  /** The config's install: key, so uninstall --site works without the file. */
  install: Install;
}

/** Everything proxygen owns on this host: sites, and each live file's hash as last written. */
export interface Manifest {
  version: 1;
  sites: Record<string, SiteRecord>;
  files: Record<string, string>;
  /** Files that were there before a forced overwrite: live path -> copy under the state dir. */
  originals: Record<string, string>;
}

export const manifestPath = (host: HostLayout) => join(host.state, 'manifest.json');
export const emptyManifest = (): Manifest => ({ version: 1, sites: {}, files: {}, originals: {} });

export async function readManifest(host: HostLayout): Promise<Manifest> {
  const path = host.at(manifestPath(host));
  const text = await readIfExists(path);
  if (text === null) return emptyManifest();
  try {
    const data = JSON.parse(text) as Manifest;
    if (data.version !== 1 || typeof data.sites !== 'object' || typeof data.files !== 'object') throw new Error('unexpected shape');
    return { ...emptyManifest(), ...data };
  } catch (error) {
    throw new UserError(`${path}: not a proxygen manifest (${(error as Error).message})`, 'restore it from a backup, or move it away to start over (proxygen then owns nothing here)', 3);
  }
}

export const manifestText = (manifest: Manifest) => `${JSON.stringify(manifest, null, 2)}\n`;

/** Whether `proxygen apply` put the site live on this host (or under `root`). */
export async function isApplied(domain: string, root: string | undefined): Promise<boolean> {
  return domain in (await readManifest(hostLayout({}, root))).sites;
}
