import { describe, expect, it } from 'vitest';
import { unprivilegedListen } from '../src/io/sandbox.js';

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
