import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caddyValidate, nginxTest } from '../src/io/sandbox.js';
import { loadProject } from '../src/project.js';
import { renderNginx } from '../src/targets/nginx.js';
import { FIXTURES, caddyParts, nginxParts, scenarios } from './helpers/project.js';
import { hasTool, localNginxHasHttp2Directive } from './helpers/tools.js';

const haveNginx = hasTool('nginx');
const haveCaddy = hasTool('caddy');

describe.each(scenarios())('real validators accept the %s scenario', (scenario) => {
  it.runIf(haveNginx)('nginx -t passes in a sandbox', async () => {
    const { plan, files } = await loadProject(join(FIXTURES, scenario, 'proxygen.yaml'));
    const { site, includes } = nginxParts(files);
    const result = await nginxTest(site, includes);
    if (plan.nginx.http2Directive && !localNginxHasHttp2Directive()) {
      // Rendered for a newer nginx than the one here: the version switch must matter.
      expect(result.stderr).toContain('unknown directive "http2"');
      const older = nginxParts(renderNginx({ ...plan, nginx: { ...plan.nginx, http2Directive: false } }));
      const retry = await nginxTest(older.site, older.includes);
      expect(retry.stderr).toBe('');
      expect(retry.code).toBe(0);
      return;
    }
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it.runIf(haveCaddy)('caddy validate passes and caddy fmt changes nothing', async () => {
    const { files } = await loadProject(join(FIXTURES, scenario, 'proxygen.yaml'));
    const { caddyfile, imports } = caddyParts(files);
    const result = await caddyValidate(caddyfile, imports);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('not formatted');
    expect(execFileSync('caddy', ['fmt', '-'], { input: caddyfile, encoding: 'utf8' })).toBe(caddyfile);
  });
});
