import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAsync, tempProject } from './helpers/cli.js';
import { debianNginxRoot, treeOf } from './helpers/host.js';
import { hasTool, standInTool } from './helpers/tools.js';

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

  // How long it takes is `npm run bench`'s figure; what must not grow with the host is the work.
  it('validates once with the real nginx -t and uninstalls back to the same tree', async () => {
    const config = siteConfig(dir, SITES);
    const calls = join(dir, 'nginx-calls');
    writeFileSync(calls, '');
    const nginx = standInTool('nginx', `echo "$@" >> ${calls}\nexec nginx "$@"\n`);
    const before = treeOf(root);
    const result = await cliAsync(['apply', '--config', config, '--root', root], { env: { PROXYGEN_NGINX: nginx } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(calls, 'utf8').trim().split('\n').map((line) => line.split(' ')[0])).toEqual(['-t']);
    expect((await cliAsync(['uninstall', '--site', `site-${SITES}.example.com`, '--root', root])).code).toBe(0);
    expect(treeOf(root)).toEqual(before);
  }, 60_000);
});
