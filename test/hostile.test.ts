import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from './helpers/cli.js';
import { configMessage } from './helpers/config.js';

// Every string-valued key, on its own line, with a valid value and the key path it reports.
const KEYS: { slot: string; valid: string; path: string; line: number }[] = [
  { slot: 'domain', valid: 'pilot.example.com', path: 'domain', line: 3 },
  { slot: 'upstream', valid: 'http://127.0.0.1:9090', path: 'upstream', line: 4 },
  { slot: 'email', valid: 'ops@example.com', path: 'tls.email', line: 7 },
  { slot: 'cert', valid: '/etc/ssl/x/fullchain.pem', path: 'tls.cert', line: 8 },
  { slot: 'key', valid: '/etc/ssl/x/privkey.pem', path: 'tls.key', line: 9 },
  { slot: 'body', valid: '10m', path: 'limits.body', line: 11 },
  { slot: 'cidr', valid: '10.0.0.0/8', path: 'networks.internal.0', line: 13 },
  { slot: 'netname', valid: 'office', path: 'networks.{}', line: 14 },
  { slot: 'path', valid: '/webhooks/', path: 'routes.0.path', line: 16 },
  { slot: 'timeout', valid: '60s', path: 'routes.0.timeout', line: 17 },
  { slot: 'rate', valid: '10/s', path: 'routes.0.rate', line: 18 },
  { slot: 'allow', valid: 'internal', path: 'routes.0.allow.0', line: 19 },
  { slot: 'paths', valid: '/api/', path: 'routes.1.paths.0', line: 21 },
  { slot: 'tunnel', valid: 'pilot', path: 'tunnel.cloudflare.tunnel', line: 25 },
  { slot: 'creds', valid: '/etc/cloudflared/pilot.json', path: 'tunnel.cloudflare.credentials_file', line: 26 },
  { slot: 'ngrokdomain', valid: 'pilot.ngrok.app', path: 'tunnel.ngrok.domain', line: 28 },
  { slot: 'output', valid: 'deploy/proxy', path: 'output', line: 29 },
  { slot: 'reload', valid: 'systemctl reload nginx', path: 'reload_command', line: 30 },
  { slot: 'nginxversion', valid: '1.22', path: 'nginx.version', line: 32 },
  { slot: 'allowdir', valid: 'proxygen/allowlists', path: 'nginx.allowlist_dir', line: 33 },
  { slot: 'caddyversion', valid: '2.6', path: 'caddy.version', line: 35 },
];

const TEMPLATE = `version: 1
preset: pilot
domain: {domain}
upstream: {upstream}
tls:
  mode: files
  email: {email}
  cert: {cert}
  key: {key}
limits:
  body: {body}
networks:
  internal: [{cidr}]
  {netname}: [192.0.2.0/24]
routes:
  - path: {path}
    timeout: {timeout}
    rate: {rate}
    allow: [{allow}]
  - paths:
      - {paths}
tunnel:
  provider: cloudflare
  cloudflare:
    tunnel: {tunnel}
    credentials_file: {creds}
  ngrok:
    domain: {ngrokdomain}
output: {output}
reload_command: {reload}
nginx:
  version: {nginxversion}
  allowlist_dir: {allowdir}
caddy:
  version: {caddyversion}
`;

const HOSTILE = ['\n', ';', '{', '}', '"', "'", '#', '$', '`', '\0', 'é', ' ', '\\'];

function fill(overrides: Record<string, string> = {}): string {
  return TEMPLATE.replace(/\{(\w+)\}/g, (_, slot: string) => overrides[slot] ?? JSON.stringify(KEYS.find((k) => k.slot === slot)!.valid));
}

describe('hostile values are refused, never escaped', () => {
  it('the template itself is valid', () => {
    expect(configMessage(fill())).toBe('');
  });

  // A space is fine inside a command line; everything else is hostile everywhere.
  const cases = KEYS.flatMap((key) => HOSTILE.filter((bad) => !(bad === ' ' && key.slot === 'reload')).map((bad) => [key.path, JSON.stringify(bad), key, bad] as const));
  it.each(cases)('%s with %s', (_path, _label, key, bad) => {
    // The hostile character sits inside an otherwise valid value; JSON quoting keeps the YAML valid.
    const message = configMessage(fill({ [key.slot]: JSON.stringify(`${key.valid}${bad}x`) }));
    const first = message.split('\n')[0]!;
    if (key.slot === 'netname') expect(first).toMatch(new RegExp(`^proxygen\\.yaml:${key.line}:\\d+ networks\\.`));
    else expect(first).toMatch(new RegExp(`^proxygen\\.yaml:${key.line}:\\d+ ${key.path.replaceAll('.', '\\.')}: `));
  });

  it('a raw NUL byte in the file is refused', () => {
    expect(configMessage(`preset: pilot\ndomain: a.example.com\0\n`)).toMatch(/^proxygen\.yaml:1:1 .*NUL/);
  });
});

describe('hostile values through the CLI: exit 2, one line naming key and line, nothing written', () => {
  it.each(KEYS.map((key, index) => [key.path, key, HOSTILE.filter((c) => c !== ' ')[index % (HOSTILE.length - 1)]!] as const))('%s', (_path, key, bad) => {
    const dir = tempProject(fill({ [key.slot]: JSON.stringify(`${key.valid}${bad}x`) }));
    const result = cli(['render'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^proxygen\\.yaml:${key.line}:\\d+ `));
    expect(result.stderr).toMatch(/\nhint: /);
    expect(existsSync(join(dir, 'deploy'))).toBe(false);
  });
});
