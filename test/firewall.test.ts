import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, tempProject } from './helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const rules = (yaml: string) => {
  const dir = tempProject(`domain: p.example.com\n${yaml}`);
  dirs.push(dir);
  const result = cli(['render', '--stdout', 'firewall/ufw.sh'], { cwd: dir });
  return result.stdout.split('\n').filter((line) => line.startsWith('ufw allow') || line.startsWith('ufw deny')).join(', ');
};

describe('firewall/ufw.sh follows ports and the upstream port', () => {
  it.each([
    ['preset defaults', 'preset: pipelit\n', 'ufw allow 80/tcp, ufw allow 443/tcp, ufw deny 8000/tcp, ufw deny 6379/tcp'],
    ['own ports and upstream', 'preset: pipelit\nupstream: http://127.0.0.1:9000\nports: { http: 8080, https: 8443 }\n', 'ufw allow 8080/tcp, ufw allow 8443/tcp, ufw deny 9000/tcp, ufw deny 6379/tcp'],
    ['TLS off: the http port only', 'preset: pipelit\ntls: { mode: off }\n', 'ufw allow 80/tcp, ufw deny 8000/tcp, ufw deny 6379/tcp'],
    ['lists written in the file win', 'preset: pipelit\nfirewall: { allow: [22, 443], deny: [5432] }\n', 'ufw allow 22/tcp, ufw allow 443/tcp, ufw deny 5432/tcp'],
    ['no preset: only what the file says', 'upstream: http://127.0.0.1:3000\nfirewall: { deny: [3000] }\n', 'ufw deny 3000/tcp'],
  ])('%s', (_name, yaml, expected) => {
    expect(rules(yaml)).toBe(expected);
  });
});
