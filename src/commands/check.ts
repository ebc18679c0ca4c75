import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveCaddyImports } from '../check/caddy-imports.js';
import { driftFindings } from '../check/drift.js';
import { detectKind, KINDS, type Kind } from '../check/kinds.js';
import { caddyFindings, nginxFindings } from '../check/tools.js';
import { locate } from '../config/locate.js';
import { EXIT, ExitError, printable, UserError } from '../errors.js';
import { parseEnvFile } from '../import/env.js';
import { listFiles, readIfExists } from '../io/write.js';
import { lintCaddy } from '../lint/caddy-rules.js';
import { sortFindings, type Finding } from '../lint/finding.js';
import { NginxSyntaxError, parseNginx } from '../lint/nginx-parse.js';
import { lintNginx } from '../lint/nginx-rules.js';
import { lintProject } from '../lint/project-rules.js';
import { formatReport, type ReportFormat } from '../lint/report.js';
import type { GlobalOptions } from '../output.js';
import { gapsFor } from '../targets/capabilities.js';
import { validateCloudflared } from '../validate/cloudflared.js';
import { validateNgrok } from '../validate/ngrok.js';
import { writeOut } from '../io/stdio.js';

export interface CheckOptions extends GlobalOptions {
  format?: string;
  kind?: string;
  strict?: boolean;
}

const FORMATS = ['text', 'json', 'sarif', 'github'];

function nginxLint(file: string, text: string): Finding[] {
  try {
    return lintNginx(file, parseNginx(text));
  } catch (error) {
    if (error instanceof NginxSyntaxError) return [{ rule: 'nginx/syntax', severity: 'error', file, line: error.line, message: error.message, fix: 'fix the syntax' }];
    throw error;
  }
}

/** Validate and lint one file of a known kind; nginx -t only where a sandbox can hold it. */
async function checkFile(kind: Kind, file: string, text: string, strict: boolean): Promise<Finding[]> {
  switch (kind) {
    case 'nginx': {
      const findings = nginxLint(file, text);
      if (findings.some((f) => f.rule === 'nginx/syntax')) return findings;
      // [ \t]*, not \s*: with ^ in multiline mode \s* would rescan every blank line after each one.
      const outside = /^[ \t]*(load_module|include|events|http)\b/m.exec(text);
      if (outside) return [...findings, { rule: 'check/nginx-t-skipped', severity: 'note', file, line: text.slice(0, outside.index).split('\n').length, message: `nginx -t not run: the file uses ${outside[1]}, which reaches outside a sandbox`, fix: 'run nginx -t on the host that serves it' }];
      return [...findings, ...(await nginxFindings({ file, text }, [], strict))];
    }
    case 'caddy': {
      const imports = resolveCaddyImports(file, text);
      const findings = [...lintCaddy(file, text), ...imports.files.flatMap((f) => lintCaddy(f.file, f.text))];
      if (!imports.unresolved.length) return [...findings, ...(await caddyFindings({ file, text: imports.text }, imports.files, strict))];
      return [...findings, ...imports.unresolved.map((u): Finding => ({ rule: 'check/not-validated', severity: strict ? 'error' : 'warning', file: u.file, line: u.line, message: `caddy validate not run: import ${u.pattern} cannot be followed here (${u.why})`, fix: 'run check where the imported files are (or caddy validate on the host that serves it); --strict makes this an error' }))];
    }
    case 'cloudflared':
      return validateCloudflared(file, text);
    case 'ngrok':
      return validateNgrok(file, text);
  }
}

/** Larger than any real proxy config; refused before it is read. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

async function readCheckedFile(path: string): Promise<string> {
  const size = await stat(path).then((s) => (s.isFile() ? s.size : -1), () => null);
  if (size === null || size < 0) throw new UserError(`${printable(path)}: ${size === null ? 'cannot read' : 'not a regular file'}`, 'check the path');
  if (size > MAX_FILE_BYTES) throw new UserError(`${printable(path)}: ${size} bytes; check reads files of at most ${MAX_FILE_BYTES} bytes`, 'check the path');
  const text = await readIfExists(path).catch(() => null);
  if (text === null) throw new UserError(`${printable(path)}: cannot read`, 'check the path');
  return text;
}

async function checkFiles(paths: string[], options: CheckOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const path of paths) {
    const text = await readCheckedFile(path);
    const kind = (options.kind as Kind | undefined) ?? detectKind(path, text);
    if (!kind) throw new UserError(`${path}: cannot tell what kind of file this is`, `pass --kind ${KINDS.join('|')}`);
    findings.push(...(await checkFile(kind, path, text, !!options.strict)));
  }
  return findings;
}

async function checkProject(options: CheckOptions): Promise<Finding[]> {
  // Hand-written files need neither the config schema (zod) nor the renderers: loaded only here.
  const { loadProject } = await import('../project.js');
  const project = await loadProject(options.config);
  const { outputDir, plan, config, files } = project;
  const onDisk = new Map(await Promise.all(files.map(async (f) => [f.path, await readIfExists(join(outputDir, f.path))] as const)));
  const text = (path: string) => onDisk.get(path) ?? files.find((f) => f.path === path)!.content;
  const at = (path: string) => join(outputDir, path);
  const strict = !!options.strict;
  // The validator processes start first (caddy, the slowest, before nginx) and run side by side
  // while everything in-process below is done.
  const tools: Promise<Finding[]>[] = [];
  const caddyfile = files.find((f) => f.path === 'caddy/Caddyfile');
  if (caddyfile) {
    const imports = files.filter((f) => f.path.startsWith('caddy/allowlists/')).map((f) => ({ path: f.path.slice('caddy/'.length), content: text(f.path) }));
    tools.push(caddyFindings({ file: at(caddyfile.path), text: text(caddyfile.path) }, imports, strict));
  }
  const site = files.find((f) => f.path.startsWith('nginx/') && !f.path.includes('/allowlists/'));
  if (site) {
    const includes = files.filter((f) => f.path.startsWith('nginx/allowlists/')).map((f) => ({ path: f.path.replace('nginx/allowlists', plan.nginx.allowlist_dir), content: text(f.path), file: at(f.path) }));
    tools.push(nginxFindings({ file: at(site.path), text: text(site.path) }, includes, strict, plan.nginx.version));
  }
  const findings = driftFindings(outputDir, files, onDisk, await listFiles(outputDir));
  if (site) findings.push(...nginxLint(at(site.path), text(site.path)));
  if (caddyfile) findings.push(...lintCaddy(at(caddyfile.path), text(caddyfile.path)));
  for (const file of files) {
    if (file.path === 'cloudflared/config.yml') findings.push(...validateCloudflared(at(file.path), text(file.path)));
    if (file.path === 'ngrok/ngrok.yml') findings.push(...validateNgrok(at(file.path), text(file.path)));
  }
  const configDir = dirname(project.configPath);
  const envTexts = await Promise.all(['.env', '.env.production', '.env.production.pilot'].map((name) => readIfExists(join(configDir, name))));
  const env = Object.assign({}, ...envTexts.filter((t): t is string => t !== null).map(parseEnvFile)) as Record<string, string>;
  const lineOf = (path: (string | number)[]) => locate(project.source.doc, project.source.lines, path).line;
  findings.push(...lintProject(project.configPath, config, plan, lineOf, env));
  for (const target of project.targets) {
    for (const gap of gapsFor(plan, target)) findings.push({ rule: `capability/${target}`, severity: 'note', file: project.configPath, line: 1, message: `${target}: ${gap}`, fix: 'enforce it elsewhere (the app, a WAF) or accept the gap' });
  }
  for (const list of await Promise.all(tools)) findings.push(...list);
  return findings;
}

export async function run(paths: string[], options: CheckOptions): Promise<void> {
  const format = (options.json ? 'json' : (options.format ?? 'text')) as ReportFormat;
  if (!FORMATS.includes(format)) throw new UserError(`--format ${format}: unknown format`, `use one of ${FORMATS.join(', ')}`);
  if (options.kind && !(KINDS as readonly string[]).includes(options.kind)) throw new UserError(`--kind ${options.kind}: unknown kind`, `use one of ${KINDS.join(', ')}`);
  const findings = sortFindings(paths.length ? await checkFiles(paths, options) : await checkProject(options));
  writeOut(formatReport(findings, format, __PROXYGEN_VERSION__));
  if (findings.some((f) => f.severity === 'error')) throw new ExitError(EXIT.findings);
}
