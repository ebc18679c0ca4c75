import { describe, expect, it } from 'vitest';
import { nginxTest } from '../src/io/sandbox.js';
import { renderNginx } from '../src/targets/nginx.js';
import { planFrom } from './helpers/config.js';
import { nginxParts } from './helpers/project.js';
import { hasTool } from './helpers/tools.js';

// nginx names the upstream group in SNI unless told the host: an https upstream must be named.
describe('an https upstream', () => {
  const site = (upstream: string) => renderNginx(planFrom(`preset: none\ndomain: a.example.com\nupstream: ${upstream}\nroutes: [{ path: /api/ }]\n`))[0]!.content;

  it.each([
    ['https://app.internal:8443', ['        proxy_ssl_server_name on;\n        proxy_ssl_name app.internal;\n']],
    ['https://192.0.2.10:8443', ['        proxy_ssl_server_name on;\n']],
    ['http://app.internal:8080', []],
  ])('%s', (upstream, expected) => {
    const text = site(upstream);
    for (const part of expected) expect(text).toContain(part);
    if (!upstream.startsWith('https://app')) expect(text).not.toContain('proxy_ssl_name');
    if (upstream.startsWith('http:')) expect(text).not.toContain('proxy_ssl_server_name');
  });

  it.runIf(hasTool('nginx'))('passes real nginx -t', async () => {
    const { site: conf, includes } = nginxParts(renderNginx(planFrom('preset: none\ndomain: a.example.com\nupstream: https://localhost:8443\nroutes: [{ path: /api/ }]\n')));
    const result = await nginxTest(conf, includes);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
