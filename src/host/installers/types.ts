import type { Plan } from '../../plan/plan.js';
import type { OutputFile } from '../../targets/index.js';
import type { Command, HostLayout } from '../layout.js';

/** A file as it should be on the host; `content: null` means absent (or the original put back). */
export interface LiveFile {
  path: string;
  content: string | null;
  mode: number;
}

/** One site rendered for this host. */
export interface SiteInput {
  domain: string;
  plan: Plan;
  files: OutputFile[];
}

export interface Verdict {
  ok: boolean;
  missing: boolean;
  output: string;
}

/**
 * One target's installer, after certbot's: `prepare` says which live files a site owns and what
 * it adds to the target's shared file, `compose` builds that file from every applied site, `test`
 * judges the live configuration as the proxy will load it, `reload` names the command that makes
 * it live. Deploying and restoring are the same for every target (src/host/transaction.ts).
 */
export interface Installer {
  prepare(site: SiteInput, host: HostLayout): { files: LiveFile[]; fragment?: string };
  compose(fragments: { domain: string; fragment: string }[], host: HostLayout): LiveFile[];
  test(host: HostLayout): Promise<Verdict>;
  reload(host: HostLayout): Command | null;
}

export const composedHeader = (what: string, domains: string[]) =>
  `# ${what}, composed by \`proxygen apply\` from the sites applied on this host: ${domains.join(', ')}.\n# Do not edit: change a site's proxygen.yaml and run \`proxygen apply\` again.\n`;
