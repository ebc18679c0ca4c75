import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveCaddyImports } from '../src/check/caddy-imports.js';
import { cli } from './helpers/cli.js';
import { hasTool } from './helpers/tools.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A directory holding the given files; returns its path. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'proxygen-imports-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const SITE = (inside: string) => `a.example.com {\n${inside}\treverse_proxy 127.0.0.1:8080\n}\n`;

describe('Caddyfile imports are followed relative to the importing file', () => {
  it.each([
    ['a snippet import stays', '(common) {\n\theader X-A 1\n}\n' + SITE('\timport common\n'), {}, [], []],
    ['a relative file', SITE('\timport snippets/common.caddy\n'), { 'snippets/common.caddy': 'header X-A 1\n' }, ['snippets/common.caddy'], []],
    ['a glob, nested import relative to its own file', SITE('\timport sites/*.caddy\n'), { 'sites/a.caddy': 'import ../more/b.caddy\n', 'sites/x.txt': '', 'more/b.caddy': 'header X-B 1\n' }, ['sites/a.caddy', 'more/b.caddy'], []],
    ['a glob without matches (Caddy allows it)', SITE('\timport none/*.caddy\n'), {}, [], []],
    ['a missing file', SITE('\timport missing.caddy\n'), {}, [], ['Caddyfile:2 missing.caddy: the file does not exist here']],
    ['a placeholder', SITE('\timport {$CONF}/x.caddy\n'), {}, [], ['Caddyfile:2 {$CONF}/x.caddy: it holds a placeholder']],
  ])('%s', (_name, caddyfile, files, followed, unresolved) => {
    const dir = tree({ Caddyfile: caddyfile, ...files });
    const result = resolveCaddyImports(join(dir, 'Caddyfile'), caddyfile);
    expect(result.files.map((f) => f.file.slice(dir.length + 1))).toEqual(followed);
    expect(result.unresolved.map((u) => `${u.file.slice(dir.length + 1)}:${u.line} ${u.pattern}: ${u.why}`)).toEqual(unresolved);
    expect(result.text.split('\n')).toHaveLength(caddyfile.split('\n').length);
  });
});

describe.runIf(hasTool('caddy'))('check FILE on a Caddyfile with imports', () => {
  const check = (dir: string, ...args: string[]) => cli(['check', ...args, 'Caddyfile'], { cwd: dir });

  it('an error inside an imported file is found and points at that file', () => {
    const dir = tree({ Caddyfile: SITE('\timport snippets/*.caddy\n'), 'snippets/common.caddy': 'header X-A 1\nfrobnicate\n' });
    const result = check(dir);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toBe('snippets/common.caddy:2: error caddy/validate: caddy validate: adapting config using caddyfile: snippets/common.caddy:2: unrecognized directive: frobnicate');
  });

  it('an invalid Caddyfile with an import line is no longer passed unchecked (the Mastodon case)', () => {
    const dir = tree({ Caddyfile: `(common) {\n\tencode gzip\n}\n${SITE('\timport common\n\tfile_server browse bogus\n')}` });
    const result = check(dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Caddyfile:\d+: error caddy\/validate: /m);
  });

  it('a valid Caddyfile with snippet and file imports passes', () => {
    const dir = tree({ Caddyfile: `(common) {\n\tencode gzip\n}\n${SITE('\timport common\n\timport snippets/headers.caddy\n')}`, 'snippets/headers.caddy': 'header X-Frame-Options DENY\n' });
    expect(check(dir)).toMatchObject({ code: 0, stdout: '0 errors, 0 warnings, 0 notes\n' });
  });

  it('an import that cannot be followed is a "not validated" warning, an error with --strict', () => {
    const dir = tree({ Caddyfile: SITE('\timport /nonexistent/proxygen/common.caddy\n') });
    const result = check(dir);
    expect(result.stdout).toBe('Caddyfile:2: warning check/not-validated: caddy validate not run: import /nonexistent/proxygen/common.caddy cannot be followed here (the file does not exist here)\n  fix: run check where the imported files are (or caddy validate on the host that serves it); --strict makes this an error\n0 errors, 1 warnings, 0 notes\n');
    expect(result.code).toBe(0);
    expect(check(dir, '--strict').code).toBe(1);
  });
});
