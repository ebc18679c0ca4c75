import { describe, expect, it } from 'vitest';
import { gapsFor } from '../src/targets/capabilities.js';
import { renderCloudflared } from '../src/targets/cloudflared.js';
import { renderNginx } from '../src/targets/nginx.js';
import { renderNgrok } from '../src/targets/ngrok.js';
import { configMessage, planFrom } from './helpers/config.js';

const PILOT = 'preset: pilot\ndomain: pilot.example.com\n';

describe('tunnel.via: where the tunnel delivers', () => {
  it.each([
    ['a proxy target and a tunnel: the proxy by default', `${PILOT}tunnel: { provider: cloudflare }\n`, { port: 8088, from: ['127.0.0.1/32', '::1/128'], header: 'CF-Connecting-IP', url: 'http://127.0.0.1:8088' }],
    ['ngrok: its X-Forwarded-For entry', `${PILOT}tunnel: { provider: ngrok }\n`, { port: 8088, from: ['127.0.0.1/32', '::1/128'], header: 'X-Forwarded-For', url: 'http://127.0.0.1:8088' }],
    ['another port and source', `${PILOT}ports: { tunnel: 9443 }\ntunnel: { provider: cloudflare, from: [172.17.0.1] }\n`, { port: 9443, from: ['172.17.0.1/32'], header: 'CF-Connecting-IP', url: 'http://127.0.0.1:9443' }],
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
    expect(site).toContain('    listen 127.0.0.1:8088;\n    listen [::1]:8088;\n    set_real_ip_from 127.0.0.1/32;\n    real_ip_header X-Forwarded-For;\n');
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
