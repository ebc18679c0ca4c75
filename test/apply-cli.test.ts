import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateNgrok } from '../src/validate/ngrok.js';
import { cli, tempProject } from './helpers/cli.js';
import { treeOf } from './helpers/host.js';

// Tunnel-only sites need no proxy binary: these run everywhere, in a bare temp --root.
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function host(): { root: string; site: (name: string, yaml: string) => string } {
  const root = mkdtempSync(join(tmpdir(), 'proxygen-host-'));
  const dir = tempProject();
  dirs.push(root, dir);
  return { root, site: (name, yaml) => (writeFileSync(join(dir, `${name}.yaml`), yaml), join(dir, `${name}.yaml`)) };
}

const ngrokSite = (domain: string, version = 3) => `preset: pipelit\ndomain: ${domain}\ntunnel: { provider: ngrok, ngrok: { version: ${version} } }\ntargets: [ngrok]\n`;

describe('proxygen apply / uninstall (tunnel files, no proxy)', () => {
  it('--dry-run --diff shows the change against the live files and writes nothing', () => {
    const { root, site } = host();
    const result = cli(['apply', '--config', site('a', ngrokSite('a.example.com')), '--root', root, '--dry-run', '--diff']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^created   ${root}/etc/ngrok/ngrok.yml\nwould apply a.example.com: 1 of 1 files would change\n\n--- a${root}/etc/ngrok/ngrok.yml\n`));
    expect(treeOf(root).size).toBe(0);
  });

  it('one ngrok agent file holds every site\'s endpoint; uninstall takes one out, then the file', () => {
    const { root, site } = host();
    expect(cli(['apply', '--config', site('a', ngrokSite('a.example.com')), '--root', root]).code).toBe(0);
    expect(cli(['apply', '--config', site('b', ngrokSite('b.example.com')), '--root', root]).code).toBe(0);
    const file = join(root, 'etc/ngrok/ngrok.yml');
    const both = readFileSync(file, 'utf8');
    expect(both.match(/^ {2}- name: /gm)).toEqual(['  - name: ', '  - name: ']);
    expect(both).toContain('url: https://a.example.com\n');
    expect(both).toContain('url: https://b.example.com\n');
    expect(validateNgrok('ngrok.yml', both).filter((f) => f.severity === 'error')).toEqual([]);
    expect(cli(['uninstall', '--site', 'a.example.com', '--root', root]).code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('a.example.com');
    expect(cli(['uninstall', '--site', 'b.example.com', '--root', root]).code).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    ['ngrok v2 beside v3', ngrokSite('b.example.com', 2), 'ngrok: b.example.com has version 2 but a.example.com has 3; one host runs one'],
  ])('refuses sites that cannot share a host: %s (exit 2, nothing written)', (_name, second, message) => {
    const { root, site } = host();
    expect(cli(['apply', '--config', site('a', ngrokSite('a.example.com')), '--root', root]).code).toBe(0);
    const before = treeOf(root);
    const result = cli(['apply', '--config', site('b', second), '--root', root]);
    expect(result.stderr).toContain(`proxygen: ${message}\n`);
    expect(result.code).toBe(2);
    expect(treeOf(root)).toEqual(before);
  });

  it('refuses nginx and caddy together: one host, the same ports (exit 2)', () => {
    const { root, site } = host();
    const result = cli(['apply', '--config', site('a', 'preset: pipelit\ndomain: a.example.com\n'), '--root', root]);
    expect(result.stderr).toMatch(/^proxygen: apply: targets has both nginx and caddy, which would listen on the same ports \(80\/443\) of this host\nhint: keep the one this server runs in targets: of \S+\n$/);
    expect(result.code).toBe(2);
  });

  it('a validator it cannot find is an error (exit 3), every file restored', () => {
    const { root, site } = host();
    const result = cli(['apply', '--config', site('a', 'domain: a.example.com\nupstream: http://127.0.0.1:3000\ntls: { mode: off }\ntargets: [nginx]\n'), '--root', root], { env: { PROXYGEN_NGINX: join(root, 'no-nginx') } });
    expect(result.stderr).toBe(`proxygen: apply a.example.com: cannot validate nginx: ${join(root, 'no-nginx')} not found; every file was restored\nhint: install nginx, or name its test command in install.nginx.test\n`);
    expect(result.code).toBe(3);
    expect([...treeOf(root).keys()]).toEqual([]);
  });

  it('uninstall of a site that is not applied: exit 2 naming the applied ones', () => {
    const { root } = host();
    const result = cli(['uninstall', '--site', 'x.example.com', '--root', root]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'proxygen: uninstall: x.example.com is not applied on this host\nhint: proxygen uninstall --site <domain> takes one of the applied sites (none)\n' });
  });

  it('a file proxygen wrote but someone edited is refused without --force', () => {
    const { root, site } = host();
    const config = site('a', ngrokSite('a.example.com'));
    expect(cli(['apply', '--config', config, '--root', root]).code).toBe(0);
    writeFileSync(join(root, 'etc/ngrok/ngrok.yml'), 'edited by hand\n');
    writeFileSync(config, `${ngrokSite('a.example.com')}limits: { body: 1m }\n`);
    const refused = cli(['apply', '--config', config, '--root', root]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('(or it was edited since); nothing was changed');
    expect(readFileSync(join(root, 'etc/ngrok/ngrok.yml'), 'utf8')).toBe('edited by hand\n');
    expect(cli(['apply', '--config', config, '--root', root, '--force']).code).toBe(0);
  });

  it('--help shows examples', () => {
    expect(cli(['apply', '--help']).stdout).toContain('$ proxygen apply --dry-run --diff');
    expect(cli(['uninstall', '--help']).stdout).toContain('$ sudo proxygen uninstall --site pipelit.example.com');
  });
});
