import type { TargetName } from '../config/schema.js';
import { INSTALLERS, type LiveFile } from './installers/index.js';
import type { HostLayout } from './layout.js';
import type { Manifest, SiteRecord } from './manifest.js';

/** The host as a change would leave it: every file to write or remove, and the sites after it. */
export interface HostPlan {
  files: LiveFile[];
  sites: Record<string, SiteRecord>;
  /** Targets whose files may change: they are tested and reloaded. */
  targets: TargetName[];
  /** Where the proxies answer after the change (every site behind nginx or Caddy), probed after a reload. */
  probes: string[];
}

const TARGET_ORDER = Object.keys(INSTALLERS) as TargetName[];

/**
 * Site `domain` becomes `next` (null: removed). Its own files are replaced, files it owned and
 * no longer renders are removed, and each shared file of a target it had or has is composed
 * again from every site that has that target.
 */
export function planHost(manifest: Manifest, host: HostLayout, domain: string, next: { record: SiteRecord; files: LiveFile[] } | null): HostPlan {
  const before = manifest.sites[domain];
  const sites = { ...manifest.sites };
  delete sites[domain];
  if (next) sites[domain] = next.record;
  const files: LiveFile[] = [...(next?.files ?? [])];
  const kept = new Set(files.map((f) => f.path));
  for (const path of before?.files ?? []) if (!kept.has(path)) files.push({ path, content: null, mode: 0o644 });
  const touched = new Set([...(before?.targets ?? []), ...(next?.record.targets ?? [])]);
  const targets = TARGET_ORDER.filter((t) => touched.has(t));
  const ordered = Object.values(sites).sort((a, b) => (a.domain < b.domain ? -1 : 1));
  for (const target of targets) {
    const fragments = ordered.filter((s) => s.targets.includes(target) && s.fragments[target] !== undefined).map((s) => ({ domain: s.domain, fragment: s.fragments[target]! }));
    files.push(...INSTALLERS[target].compose(fragments, host));
  }
  const probes = [...new Set(ordered.filter((s) => s.targets.some((t) => t === 'nginx' || t === 'caddy')).map((s) => s.probe))];
  return { files, sites, targets, probes };
}
