import type { Finding } from '../lint/finding.js';
import { versionAtLeast } from '../plan/version.js';
import { runTool } from '../io/run.js';
import { caddyValidate, nginxTest, type SandboxFile } from '../io/sandbox.js';
import { caddyBinary, nginxBinary, timedOutMessage, VALIDATOR_COMMAND } from '../io/validators.js';
import { workAround, type Workaround } from './nginx-workarounds.js';

export interface ToolFile {
  /** Where the text lives, for findings. */
  file: string;
  text: string;
}

const missingTool = (tool: string, file: string, strict: boolean): Finding => ({
  rule: 'check/validator-missing',
  severity: strict ? 'error' : 'warning',
  file,
  line: 1,
  message: `${tool} is not installed here, so this file was not validated by it`,
  fix: `install ${tool} (apt-get install ${tool}) or set PROXYGEN_${tool.toUpperCase()}; --strict makes this an error`,
});

/** A validator killed at the time limit: what it printed so far would read as its verdict. */
const timedOutTool = (rule: string, target: 'nginx' | 'caddy', file: string, ms: number): Finding => ({
  rule,
  severity: 'error',
  file,
  line: 1,
  message: `${timedOutMessage(target, ms)} and was stopped, so this file was not validated`,
  fix: `run ${VALIDATOR_COMMAND[target]} by hand to see why, or allow it longer with PROXYGEN_VALIDATE_TIMEOUT=<seconds>`,
});

async function localNginxVersion(): Promise<string | null> {
  const banner = await runTool(nginxBinary(), ['-v']);
  return /nginx\/([0-9.]+)/.exec(`${banner.stderr}${banner.stdout}`)?.[1] ?? null;
}

/** What a workaround in the sandbox copy means for the user: the same finding in file and project mode. */
function workaroundFinding(site: ToolFile, done: Workaround, local: string | null, strict: boolean): Finding {
  if (done.kind === 'unresolved-host') {
    return { rule: 'check/upstream-unresolved', severity: 'warning', file: site.file, line: done.line, message: `host "${done.subject}" does not resolve where check runs (a docker-compose service name?): nginx -t checked the file with 127.0.0.1 in its place`, fix: 'nothing to do if it resolves where nginx runs; otherwise fix the name' };
  }
  return { rule: 'check/nginx-version', severity: strict ? 'error' : 'warning', file: site.file, line: done.line, message: `nginx ${local} here does not know "${done.subject}" (nginx ${done.needs} and later): nginx -t checked the rest of the file without it`, fix: `install nginx ${done.needs} or newer where check runs, or set nginx.version to what you deploy` };
}

/**
 * A config rendered for a newer nginx fails `nginx -t` on an older CI runner for the wrong
 * reason; asked only after a failure, so a passing run spawns one process.
 */
function nginxTooOld(site: ToolFile, local: string | null, wanted: string, strict: boolean): Finding | null {
  if (!local || versionAtLeast(local, wanted.split('.').map(Number))) return null;
  return { rule: 'check/nginx-version', severity: strict ? 'error' : 'warning', file: site.file, line: 1, message: `nginx -t not run: this machine has nginx ${local}, the config targets nginx.version ${wanted}`, fix: `install nginx ${wanted} or newer where check runs, or set nginx.version to what you deploy` };
}

/** `nginx -t` in a sandbox, its messages mapped back to the original file and line. */
export async function nginxFindings(site: ToolFile, includes: (SandboxFile & { file: string })[], strict: boolean, wantedVersion?: string): Promise<Finding[]> {
  const notes: Finding[] = [];
  let text = site.text;
  let local: string | null | undefined;
  let result = await nginxTest(text, includes, nginxBinary());
  for (let tries = 0; tries < 10 && result.code !== 0 && !result.missing && result.timedOutAfterMs === undefined; tries++) {
    local ??= await localNginxVersion();
    const done = workAround(text, result.stderr, local);
    if (!done) break;
    notes.push(workaroundFinding(site, done, local, strict));
    text = done.text;
    result = await nginxTest(text, includes, nginxBinary());
  }
  if (result.missing) return [missingTool('nginx', site.file, strict)];
  if (result.timedOutAfterMs !== undefined) return [timedOutTool('nginx/nginx-t', 'nginx', site.file, result.timedOutAfterMs)];
  if (result.code === 0) return notes;
  const tooOld = wantedVersion ? nginxTooOld(site, local ?? null, wantedVersion, strict) : null;
  if (tooOld) return [...notes, tooOld];
  const findings: Finding[] = [];
  for (const line of result.stderr.split('\n')) {
    const match = /\[(emerg|alert|crit|error|warn)\] \d+#\d+: (.*?)(?: in (\S+):(\d+))?$/.exec(line);
    if (!match) continue;
    const [, level, message, where, lineNumber] = match;
    const include = where ? includes.find((i) => where.endsWith(`/conf/${i.path}`)) : undefined;
    findings.push({
      rule: 'nginx/nginx-t',
      severity: level === 'warn' ? 'warning' : 'error',
      file: include?.file ?? site.file,
      line: Number(lineNumber ?? 1),
      message: `nginx -t: ${message}`,
      fix: 'fix the directive nginx names (for generated files: change proxygen.yaml and render)',
    });
  }
  return [...notes, ...(findings.length ? findings : [{ rule: 'nginx/nginx-t', severity: 'error', file: site.file, line: 1, message: `nginx -t failed: ${result.stderr.trim().split('\n').pop() ?? ''}`, fix: 'run nginx -t by hand for details' } as Finding])];
}

// Caddy (2.5 and later) warns while adapting when `caddy fmt` would change the file, with the
// first differing line: one process instead of a second `caddy fmt`. The wording changed over
// versions ("input is not formatted with 'caddy fmt'", "Caddyfile input is not formatted; run
// ..."), and the log is JSON on a pipe but console text on a terminal.
const NOT_FORMATTED = /input is not formatted[^\n]*?"line":\s*(\d+)/;

/** The line Caddy's not-formatted warning names in its log output, or null. */
export function notFormattedLine(log: string): number | null {
  const match = NOT_FORMATTED.exec(log);
  return match ? Number(match[1]) : null;
}

/** `caddy validate`, and its not-formatted warning as a `caddy/fmt` finding. */
// Where Caddy names a file of the sandbox: the Caddyfile or an import laid out under it.
const SANDBOX_PATH = /\S*\/proxygen-sandbox-[^/\s]+\/([^\s:]+):(\d+)/g;

/** `caddy validate`, and its not-formatted warning as a `caddy/fmt` finding; imports with a `file` map errors back to it. */
export async function caddyFindings(caddyfile: ToolFile, imports: (SandboxFile & { file?: string })[], strict: boolean): Promise<Finding[]> {
  const result = await caddyValidate(caddyfile.text, imports, caddyBinary());
  if (result.missing) return [missingTool('caddy', caddyfile.file, strict)];
  if (result.timedOutAfterMs !== undefined) return [timedOutTool('caddy/validate', 'caddy', caddyfile.file, result.timedOutAfterMs)];
  const findings: Finding[] = [];
  const text = `${result.stderr}\n${result.stdout}`;
  if (result.code !== 0) {
    const errorLine = text.split('\n').find((l) => /Error:|error/.test(l)) ?? text.trim().split('\n').pop() ?? '';
    const named = (path: string) => imports.find((i) => i.path === path && i.file)?.file;
    const first = [...errorLine.matchAll(SANDBOX_PATH)].find((m) => named(m[1]!));
    const message = errorLine.replace(/^.*?Error:\s*/, '').replace(SANDBOX_PATH, (whole, path: string, line: string) => `${named(path) ?? path}:${line}`);
    const line = first ? Number(first[2]) : Number(/Caddyfile:(\d+)/.exec(text)?.[1] ?? 1);
    findings.push({ rule: 'caddy/validate', severity: 'error', file: first ? named(first[1]!)! : caddyfile.file, line, message: `caddy validate: ${message}`, fix: 'fix the directive Caddy names' });
  }
  const unformatted = notFormattedLine(text);
  if (unformatted !== null) findings.push({ rule: 'caddy/fmt', severity: 'warning', file: caddyfile.file, line: unformatted, message: 'caddy fmt would change this file', fix: 'run caddy fmt --overwrite' });
  return findings;
}
