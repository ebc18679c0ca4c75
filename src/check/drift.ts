import { join } from 'node:path';
import { strictCidr } from '../allowlist/validate.js';
import { unifiedDiff } from '../io/diff.js';
import type { Finding } from '../lint/finding.js';
import type { OutputFile } from '../targets/index.js';

const isAllowlist = (path: string) => path.includes('/allowlists/');
// nginx: `allow` lines, or `set_real_ip_from` ones for a list trusted_proxies names; Caddy: remote_ip.
const LINE_FORMS: [suffix: string, form: RegExp][] = [['.realip.conf', /^set_real_ip_from (\S+);$/], ['.conf', /^allow (\S+);$/], ['.caddy', /^remote_ip (.+)$/]];
const IGNORED = (path: string) => path.startsWith('.proxygen/') || path.endsWith('.bak') || /(^|\/)\.[^/]+\.tmp$/.test(path);

/** Allowlists belong to refresh-allowlist: checked for form, never against a fresh render. */
function allowlistForm(path: string, text: string): string | null {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const form = LINE_FORMS.find(([suffix]) => path.endsWith(suffix))![1];
    const words = form.exec(trimmed)?.[1]!.split(/\s+/);
    if (!words) return `unexpected line "${trimmed.slice(0, 60)}"`;
    entries.push(...words);
  }
  if (entries.length === 0) return 'no addresses: the route would be closed to everyone';
  for (const entry of entries) {
    try {
      if (strictCidr(entry) !== entry) return `${entry} is not in canonical form`;
    } catch (error) {
      return (error as Error).message;
    }
  }
  return null;
}

/** Missing, extra and changed files against a fresh render; allowlists for form only. Pure: the command reads the disk. */
export function driftFindings(outputDir: string, rendered: OutputFile[], onDisk: Map<string, string | null>, present: string[]): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, path: string, line: number, message: string, fix: string, detail?: string) => findings.push({ rule, severity: 'error', file: join(outputDir, path), line, message, fix, detail });
  const expected = new Set(rendered.map((f) => f.path));
  for (const file of rendered) {
    const current = onDisk.get(file.path) ?? null;
    if (current === null) add('check/missing', file.path, 1, 'missing: proxygen render would write this file', 'run proxygen render and commit the result');
    else if (isAllowlist(file.path)) {
      const problem = allowlistForm(file.path, current);
      if (problem) add('check/allowlist-form', file.path, 1, `allowlist is malformed: ${problem}`, 'run proxygen refresh-allowlist (or delete it and run proxygen render)');
    } else if (current !== file.content) {
      const diff = unifiedDiff(current, file.content, file.path).split('\n');
      // A file that is empty on disk diffs from line 0 (`@@ -0,0`); findings start at line 1.
      const line = Math.max(1, Number(/^@@ -(\d+)/m.exec(diff.join('\n'))?.[1] ?? 1));
      const shown = diff.slice(2, 14).join('\n') + (diff.length > 14 ? `\n... ${diff.length - 14} more diff lines` : '');
      add('check/drift', file.path, line, 'differs from a fresh render of the config (edited by hand, or the config changed without a render)', 'put the change into proxygen.yaml and run proxygen render', shown);
    }
  }
  for (const path of present) {
    if (!expected.has(path) && !IGNORED(path)) add('check/extra', path, 1, 'not produced by the config (left over from an earlier render?)', 'delete it, or add what produces it to proxygen.yaml');
  }
  return findings;
}
