import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAsync, tempProject } from './helpers/cli.js';
import { debianNginxRoot } from './helpers/host.js';
import { hasTool } from './helpers/tools.js';

const haveNginx = hasTool('nginx');
const SITES = 20;

// One nginx and one cloudflared tunnel for 21 sites: the shared file is composed from all of them
// and nginx -t reads every site, so this is the cost that grows with the host.
function siteConfig(dir: string, index: number): string {
  const config = join(dir, `site-${index}.yaml`);
  writeFileSync(config, `preset: pilot\ndomain: site-${index}.example.com\nupstream: http://127.0.0.1:${20000 + index}\nports: { http: 18080, https: 18443 }\ntls: { mode: off }\ntunnel: { provider: cloudflare, cloudflare: { tunnel: host } }\ntargets: [nginx, cloudflared]\n`);
  return config;
}

describe.runIf(haveNginx)(`apply on a host with ${SITES} sites already applied`, () => {
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = debianNginxRoot(18000);
    dir = tempProject();
    for (let index = 0; index < SITES; index++) expect((await cliAsync(['apply', '--config', siteConfig(dir, index), '--root', root])).code).toBe(0);
  }, 120_000);
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes in under 3 s (nginx -t of every site included; no proxy reload under --root)', async () => {
    const config = siteConfig(dir, SITES);
    const started = performance.now();
    const result = await cliAsync(['apply', '--config', config, '--root', root]);
    const applyMs = performance.now() - started;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const again = performance.now();
    expect((await cliAsync(['uninstall', '--site', `site-${SITES}.example.com`, '--root', root])).code).toBe(0);
    const uninstallMs = performance.now() - again;
    console.log(`apply-scale: apply of site ${SITES + 1} on a host with ${SITES} sites: ${applyMs.toFixed(0)} ms; uninstall: ${uninstallMs.toFixed(0)} ms`);
    expect(applyMs).toBeLessThan(3000);
  }, 60_000);
});
