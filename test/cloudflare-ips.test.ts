import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliAsync, tempProject } from './helpers/cli.js';
import { configMessage } from './helpers/config.js';
import { startMetaServer } from './helpers/meta-server.js';
import { FIXTURES } from './helpers/project.js';

// A site behind Cloudflare's CDN that also takes GitHub's webhooks: Cloudflare's ranges are the
// trusted proxies, GitHub's the webhook allowlist, each kept fresh from its own source.
const CONFIG = `preset: pilot
domain: pilot.example.com
targets: [nginx, caddy]
allowlists:
  cloudflare: { source: cloudflare-ips }
trusted_proxies: { from: [cloudflare], header: CF-Connecting-IP }
`;
const github = JSON.parse(readFileSync(join(FIXTURES, 'github-meta-sample.json'), 'utf8')) as Record<string, string[]>;
const cloudflare = JSON.parse(readFileSync(join(FIXTURES, 'cloudflare-ips-snapshot.json'), 'utf8')) as { sections: { ipv4_cidrs: string[]; ipv6_cidrs: string[] } };
const REALIP = 'deploy/proxy/nginx/allowlists/cloudflare.realip.conf';

describe('allowlists from Cloudflare: the config', () => {
  it.each([
    ['both families by default', 'allowlists:\n  cf: { source: cloudflare-ips }\n', ''],
    ['one family', 'allowlists:\n  cf: { source: cloudflare-ips, sections: [ipv6_cidrs] }\n', ''],
    ['a GitHub section on Cloudflare', 'allowlists:\n  cf: { source: cloudflare-ips, sections: [hooks] }\n', 'proxygen.yaml:4:44 allowlists.cf.sections.0: "hooks" is not a section of cloudflare-ips (ipv4_cidrs, ipv6_cidrs)'],
    ['GitHub without sections', 'allowlists:\n  gh: { source: github-meta }\n', 'proxygen.yaml:4:7 allowlists.gh.sections: github-meta needs sections'],
    ['another source', 'allowlists:\n  x: { source: fastly }\n', 'proxygen.yaml:4:16 allowlists.x.source: expected one of "github-meta", "cloudflare-ips"'],
  ])('%s', (_, lines, message) => {
    const found = configMessage(`preset: pilot\ndomain: pilot.example.com\n${lines}`).split('\n')[0]!;
    if (message === '') expect(found).toBe('');
    else expect(found.startsWith(message)).toBe(true);
  });

  it('render seeds the lists from the bundled snapshots, with no network', () => {
    const dir = tempProject(CONFIG);
    const result = cli(['render'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/\(allowlists from the bundled GitHub meta snapshot of \d{4}-\d{2}-\d{2} and bundled list of Cloudflare's ranges of \d{4}-\d{2}\)/);
    const realip = readFileSync(join(dir, REALIP), 'utf8');
    expect(realip).toContain('set_real_ip_from 173.245.48.0/20;\n');
    expect(realip).toContain('set_real_ip_from 2606:4700::/32;\n');
    expect(result.code).toBe(0);
  });
});

describe('refresh-allowlist with two sources', () => {
  let gh: Awaited<ReturnType<typeof startMetaServer>>;
  let cf: Awaited<ReturnType<typeof startMetaServer>>;
  beforeAll(async () => {
    [gh, cf] = await Promise.all([startMetaServer(), startMetaServer()]);
    gh.handle(() => ({ status: 200, body: JSON.stringify(github) }));
  });
  afterAll(() => Promise.all([gh.close(), cf.close()]));
  const refresh = (dir: string) => cliAsync(['refresh-allowlist', '--source', gh.url, '--cloudflare-source', cf.url], { cwd: dir, env: { PROXYGEN_BACKOFF_MS: '10' } });

  it("fetches each, and a new Cloudflare range reaches the realip file nginx includes", async () => {
    const dir = tempProject(CONFIG);
    expect(cli(['render'], { cwd: dir }).code).toBe(0);
    const grown = { ...cloudflare.sections, ipv4_cidrs: [...cloudflare.sections.ipv4_cidrs, '45.64.64.0/24'] };
    cf.handle(() => ({ status: 200, body: JSON.stringify({ result: { ...grown, etag: 'x' }, success: true, errors: [], messages: [] }) }));
    const result = await refresh(dir);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, REALIP), 'utf8')).toContain('set_real_ip_from 45.64.64.0/24;\n');
    expect(gh.requests.at(-1)!.headers['if-none-match']).toBeUndefined();
    expect(cf.requests).toHaveLength(1);
  });

  it.each([
    ['an answer without result', { success: false, errors: [{ code: 10000 }] }, /refused the response from http:\/\/127\.0\.0\.1:\d+\/meta: the answer has no "result" object/],
    ['a private range', { result: { ipv4_cidrs: ['10.0.0.0/8'], ipv6_cidrs: cloudflare.sections.ipv6_cidrs } }, /section "ipv4_cidrs": entry 10\.0\.0\.0\/8 is not a public unicast range \(private\)/],
  ])('refuses %s: exit 3, one line, nothing changed', async (_, body, message) => {
    const dir = tempProject(CONFIG);
    expect(cli(['render'], { cwd: dir }).code).toBe(0);
    const before = readFileSync(join(dir, REALIP), 'utf8');
    cf.handle(() => ({ status: 200, body: JSON.stringify(body) }));
    const result = await refresh(dir);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.code).toBe(3);
    expect(readFileSync(join(dir, REALIP), 'utf8')).toBe(before);
  });
});
