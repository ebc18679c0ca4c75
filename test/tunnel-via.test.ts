import { describe, expect, it } from 'vitest';
import { nginxTest } from '../src/io/sandbox.js';
import { allowlistDependentPaths } from '../src/targets/index.js';
import { gapsFor } from '../src/targets/capabilities.js';
import { renderCloudflared } from '../src/targets/cloudflared.js';
import { renderNginx } from '../src/targets/nginx.js';
import { renderNgrok } from '../src/targets/ngrok.js';
import { configMessage, planFrom } from './helpers/config.js';
import { nginxParts } from './helpers/project.js';
import { hasTool } from './helpers/tools.js';

const haveNginx = hasTool('nginx');

const PILOT = 'preset: pilot\ndomain: pilot.example.com\n';

describe('tunnel.via: where the tunnel delivers', () => {
  it.each([
    ['a proxy target and a tunnel: the proxy by default', `${PILOT}tunnel: { provider: cloudflare }\n`, { port: 8088, from: ['127.0.0.1/32', '::1/128'], header: 'CF-Connecting-IP', url: 'http://127.0.0.1:8088', hosts: [] }],
    ['ngrok: its X-Forwarded-For entry', `${PILOT}tunnel: { provider: ngrok }\n`, { port: 8088, from: ['127.0.0.1/32', '::1/128'], header: 'X-Forwarded-For', url: 'http://127.0.0.1:8088', hosts: [] }],
    ['ngrok on its own domain: that Host too', `${PILOT}tunnel: { provider: ngrok, ngrok: { domain: pilot.ngrok.app } }\n`, { port: 8088, from: ['127.0.0.1/32', '::1/128'], header: 'X-Forwarded-For', url: 'http://127.0.0.1:8088', hosts: ['pilot.ngrok.app'] }],
    ['another port and source', `${PILOT}ports: { tunnel: 9443 }\ntunnel: { provider: cloudflare, from: [172.17.0.1] }\n`, { port: 9443, from: ['172.17.0.1/32'], header: 'CF-Connecting-IP', url: 'http://127.0.0.1:9443', hosts: [] }],
    ['via app: straight to the app', `${PILOT}tunnel: { provider: cloudflare, via: app }\n`, null],
    ['no proxy target: straight to the app', `${PILOT}tunnel: { provider: cloudflare }\ntargets: [cloudflared]\n`, null],
    ['no tunnel: no listener', PILOT, null],
  ])('%s', (_name, yaml, expected) => {
    expect(planFrom(yaml).tunnelIn).toEqual(expected);
  });

  it.each([
    ['via proxy without nginx or caddy', `${PILOT}tunnel: { provider: ngrok, via: proxy }\ntargets: [ngrok]\n`, /tunnel\.via: tunnel\.via proxy needs nginx or caddy in targets/],
    ['the tunnel port taken by the site', `${PILOT}ports: { http: 8080, tunnel: 8080 }\ntunnel: { provider: ngrok }\n`, /ports\.tunnel: ports\.tunnel must differ from ports\.http/],
    ['a tunnel source that is not a CIDR', `${PILOT}tunnel: { provider: ngrok, from: [localhost] }\n`, /tunnel\.from\.0: expected an IPv4 or IPv6 CIDR/],
    ['an unknown via', `${PILOT}tunnel: { provider: ngrok, via: edge }\n`, /tunnel\.via: expected one of "proxy", "app"/],
  ])('refuses %s', (_name, yaml, message) => {
    expect(configMessage(yaml)).toMatch(message);
  });

  it('cloudflared and ngrok point at the proxy; internal-only stays 404 at cloudflared too', () => {
    const plan = planFrom(`${PILOT}tunnel: { provider: cloudflare }\n`);
    const ingress = renderCloudflared(plan)[0]!.content;
    expect(ingress).toContain("    path: '^/api/'\n    service: http://127.0.0.1:8088\n");
    expect(ingress).toContain("    path: '^/metrics$'\n    service: http_status:404\n");
    expect(ingress).not.toContain('127.0.0.1:9090');
    expect(renderNgrok(plan)[0]!.content).toContain('    upstream:\n      url: http://127.0.0.1:8088\n');
  });

  it('nginx: the loopback listener, and the header believed only from the tunnel source', () => {
    const site = renderNginx(planFrom(`${PILOT}tunnel: { provider: ngrok, from: [127.0.0.1/32] }\n`))[0]!.content;
    expect(site).toContain('    listen 127.0.0.1:8088;\n    listen [::1]:8088;\n');
    expect(site).toContain('    set_real_ip_from 127.0.0.1/32;\n    real_ip_header X-Forwarded-For;\n');
    expect(site).not.toContain('real_ip_recursive');
    expect(site).toContain('proxy_set_header X-Forwarded-Proto $proxygen_pilot_example_com_proto;');
  });

  it('gaps: via proxy the tunnel has none of its own; via app it keeps them', () => {
    const viaProxy = planFrom(`${PILOT}tunnel: { provider: cloudflare }\n`);
    expect(gapsFor(viaProxy, 'cloudflared')).toEqual([]);
    expect(gapsFor(viaProxy, 'caddy')[0]).toMatch(/^\/webhooks\/github: allow github-hooks refuses tunnel visitors: Caddy 2\.6 matches the tunnel agent's address/);
    const viaApp = planFrom(`${PILOT}tunnel: { provider: cloudflare, via: app }\n`);
    expect(gapsFor(viaApp, 'cloudflared')).toContain('/webhooks/github: allow github-hooks not enforced: cloudflared cannot filter by client IP (use a Cloudflare WAF rule; the app must verify signatures)');
    expect(gapsFor(viaApp, 'caddy').some((line) => line.includes('tunnel'))).toBe(false);
  });
});

describe('trusted_proxies: a CDN or load balancer in front', () => {
  const LB = `${PILOT}networks:\n  internal: [10.0.0.0/8]\n  lb: [10.1.0.0/16]\n`;

  it('CIDRs and names resolve; an allowlist is trusted through a file refresh-allowlist keeps', () => {
    const plan = planFrom(`${LB}trusted_proxies: { from: [lb, 192.0.2.0/24, 2001:db8::/32, github-hooks], header: X-Forwarded-For }\n`, { 'github-hooks': ['140.82.112.0/20'] });
    expect(plan.trusted).toEqual({ cidrs: ['10.1.0.0/16', '192.0.2.0/24', '2001:db8::/32'], allowlists: ['github-hooks'], header: 'X-Forwarded-For' });
    const files = renderNginx(plan);
    expect(files[0]!.content).toContain('    set_real_ip_from 10.1.0.0/16;\n    set_real_ip_from 192.0.2.0/24;\n    set_real_ip_from 2001:db8::/32;\n    include proxygen/allowlists/github-hooks.realip.conf;\n    real_ip_header X-Forwarded-For;\n    real_ip_recursive on;\n');
    expect(files.find((f) => f.path === 'nginx/allowlists/github-hooks.realip.conf')!.content).toMatch(/\nset_real_ip_from 140\.82\.112\.0\/20;\n$/);
    expect(allowlistDependentPaths(plan, ['nginx'])).toEqual(['nginx/allowlists/github-hooks.conf', 'nginx/allowlists/github-hooks.realip.conf']);
  });

  it.each([
    ['an unknown name', `${LB}trusted_proxies: { from: [cdn], header: CF-Connecting-IP }\n`, /trusted_proxies\.from\.0: unknown set "cdn"/],
    ['a bad CIDR', `${LB}trusted_proxies: { from: [010.0.0.0/8], header: CF-Connecting-IP }\n`, /trusted_proxies\.from\.0: .*no leading zeros.* \(or a name from networks: or allowlists:\)/],
    ['an unknown header', `${LB}trusted_proxies: { from: [lb], header: X-Client-IP }\n`, /trusted_proxies\.header: expected one of "CF-Connecting-IP", "X-Forwarded-For", "X-Real-IP", "True-Client-IP"/],
    ['a header other than the tunnel\'s', `${LB}tunnel: { provider: cloudflare }\ntrusted_proxies: { from: [lb], header: X-Forwarded-For }\n`, /trusted_proxies\.header: the tunnel delivers the visitor's address in CF-Connecting-IP/],
  ])('refuses %s', (_name, yaml, message) => {
    expect(configMessage(yaml)).toMatch(message);
  });

  it.runIf(haveNginx)('real nginx -t accepts the trusted sources and the realip file', async () => {
    const plan = planFrom(`${LB}tunnel: { provider: ngrok }\ntrusted_proxies: { from: [lb, github-hooks], header: X-Forwarded-For }\n`, { 'github-hooks': ['140.82.112.0/20', '2a0a:a440::/29'] });
    const { site, includes } = nginxParts(renderNginx(plan));
    const result = await nginxTest(site, includes);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
