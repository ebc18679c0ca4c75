import { describe, expect, it } from 'vitest';
import { caddyValidate, unprivilegedListen } from '../src/io/sandbox.js';
import { standInTool } from './helpers/tools.js';

describe('privileged listen ports are moved for a non-root nginx -t (start = 1024)', () => {
  it.each([
    ['listen 80;', 'listen 40080;'],
    ['listen 443 ssl;', 'listen 40443 ssl;'],
    ['listen [::]:443 ssl;', 'listen [::]:40443 ssl;'],
    ['listen 127.0.0.1:80 default_server;', 'listen 127.0.0.1:40080 default_server;'],
    ['listen 8443 ssl;', 'listen 8443 ssl;'],
    ['listen unix:/run/app.sock;', 'listen unix:/run/app.sock;'],
    ['listen 80;\nlisten 40080;', 'listen 41080;\nlisten 40080;'],
    ['# listen 80; in a comment is text\nserver_name listen80;', '# listen 40080; in a comment is text\nserver_name listen80;'],
  ])('%j', (input, expected) => {
    expect(unprivilegedListen(input, 1024)).toBe(expected);
  });

  it('changes nothing for root (start 0)', () => {
    expect(unprivilegedListen('listen 80;\nlisten [::]:443 ssl;', 0)).toBe('listen 80;\nlisten [::]:443 ssl;');
  });
});

describe('Go settings caddy validate runs with', () => {
  // A stand-in caddy that reports the environment it was given.
  const reporter = standInTool('caddy', 'echo "GOGC=$GOGC GOMAXPROCS=$GOMAXPROCS"\n');
  const block = 'example.com {\n\treverse_proxy 127.0.0.1:8080\n}\n';

  it.each([
    ['a small Caddyfile: no collector, one thread (starts sooner)', block, 'GOGC=off GOMAXPROCS=1'],
    ['a large one: Go defaults (without a collector caddy grew to 4.3 GB on 5,000 routes)', `${'# filler line of a big generated file\n'.repeat(2000)}${block}`, 'GOGC= GOMAXPROCS='],
  ])('%s', async (_, caddyfile, expected) => {
    const result = await caddyValidate(caddyfile, [], reporter);
    expect(result.stdout.trim()).toBe(expected);
  });
});
