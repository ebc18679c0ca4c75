import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { caddyValidate, nginxTest } from '../src/io/sandbox.js';
import { classify, matchKeys } from '../src/plan/match.js';
import { buildPlan } from '../src/plan/plan.js';
import { renderTargets } from '../src/targets/index.js';
import { configFrom } from './helpers/config.js';
import { caddyParts, nginxParts } from './helpers/project.js';
import { hasTool, localNginxHasHttp2Directive } from './helpers/tools.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const haveBoth = hasTool('nginx') && hasTool('caddy');

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
const path = fc
  .tuple(fc.array(fc.oneof({ weight: 5, arbitrary: segment }, { weight: 1, arbitrary: fc.constant('*') }), { minLength: 0, maxLength: 4 }), fc.boolean())
  .map(([segments, slash]) => `/${segments.join('/')}${slash && segments.length ? '/' : ''}`)
  .filter((p) => !p.endsWith('*') || p.length > 1);
const ipv4Cidr = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 })).map(([a, b, bits]) => {
  const value = ((a << 24) | (b << 16)) >>> 0;
  const masked = bits === 32 ? value : (value & ~((1 << (32 - bits)) - 1)) >>> 0;
  return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${bits}`;
});
const ipv6Cidr = fc.tuple(fc.integer({ min: 0x2001, max: 0x2fff }), fc.integer({ min: 16, max: 64 })).map(([head, bits]) => `${head.toString(16)}::/${Math.max(16, bits)}`);

const route = (names: string[]) =>
  fc.record(
    {
      path,
      exact: fc.boolean(),
      websocket: fc.boolean(),
      timeout: fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('s', 'm', 'h')).map(([n, u]) => `${n}${u}`),
      body: fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('k', 'm', '')).map(([n, u]) => `${n}${u}`),
      rate: fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('s', 'm')).map(([n, u]) => `${n}/${u}`),
      burst: fc.integer({ min: 0, max: 500 }),
      allow: names.length ? fc.subarray(names, { minLength: 1 }) : fc.constant(undefined),
      upstream: fc.constantFrom('pool', 'http://127.0.0.1:7000', 'https://localhost:7443'),
      headers: fc.record({ set: fc.dictionary(fc.constantFrom('X-Route', 'Cache-Control', 'X-Frame-Options', 'Content-Security-Policy'), fc.constantFrom('no-store', "default-src 'self'", 'a b, c=(d)'), { minKeys: 1, maxKeys: 3 }), remove: fc.constantFrom(['X-Powered-By'], ['Server', 'X-Powered-By']) }, { requiredKeys: [] }),
      auth: fc.record({ basic: fc.constant('/etc/nginx/htpasswd'), caddy_file: fc.constant('/etc/caddy/users') }, { requiredKeys: ['basic'] }),
    },
    { requiredKeys: ['path'] },
  ).map((r) => (r.burst !== undefined && r.rate === undefined ? { ...r, burst: undefined } : r));

const config = fc
  .record({
    networks: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), fc.array(fc.oneof(ipv4Cidr, ipv6Cidr), { minLength: 1, maxLength: 4 }), { minKeys: 0, maxKeys: 3 }),
    hooks: fc.boolean(),
  })
  .chain(({ networks, hooks }) => {
    const names = [...Object.keys(networks), ...(hooks ? ['github-hooks'] : [])];
    return fc.record({
      domain: fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.')),
      upstream: fc.tuple(fc.constantFrom('http', 'https'), fc.constantFrom('127.0.0.1', 'localhost', '[::1]'), fc.integer({ min: 1, max: 65535 })).map(([s, h, p]) => `${s}://${h}:${p}`),
      ports: fc.uniqueArray(fc.integer({ min: 20000, max: 60000 }), { minLength: 2, maxLength: 2 }).map(([http, https]) => ({ http, https })),
      tls: fc.oneof(
        fc.record({ mode: fc.constant('acme'), email: fc.constant('ops@example.com'), profile: fc.constantFrom('modern', 'intermediate'), hsts: fc.boolean() }),
        fc.record({ mode: fc.constant('files'), cert: fc.constant('/etc/ssl/missing/cert.pem'), key: fc.constant('/etc/ssl/missing/key.pem'), profile: fc.constantFrom('modern', 'intermediate') }),
        fc.record({ mode: fc.constant('off') }),
      ),
      headers: fc.record({ security: fc.boolean(), set: fc.constantFrom({ 'Permissions-Policy': 'camera=()' }, { 'X-Site': 'one', 'Content-Security-Policy': "default-src 'self'" }), remove: fc.constant(['X-Powered-By']) }, { requiredKeys: ['security'] }),
      upstreams: fc.constant({ pool: { servers: ['http://127.0.0.1:9001', 'http://10.0.0.2:9001', 'http://localhost:9003'], max_fails: 2, fail_timeout: '5s' } }),
      compression: fc.boolean(),
      www: fc.constantFrom('redirect', 'none'),
      redirects: fc.subarray([{ from: '/proxygen-moved-1', to: '/new/' }, { from: '/proxygen-moved-2/', to: 'https://docs.example.com/x', status: 308 }]),
      limits: fc.record({ body: fc.constantFrom('1m', '10m', '512k', '2g') }),
      networks: fc.constant(networks),
      allowlists: fc.constant(hooks ? { 'github-hooks': { source: 'github-meta', sections: ['hooks', 'web'] } } : {}),
      routes: fc.uniqueArray(route(names), {
        minLength: 1,
        maxLength: 12,
        selector: (r) => matchKeys(classify(r.path, r.exact))[0],
      }).filter((routes) => {
        const keys = routes.flatMap((r) => matchKeys(classify(r.path, r.exact)));
        return new Set(keys).size === keys.length;
      }),
      tunnel: fc.record({ provider: fc.constantFrom('cloudflare', 'ngrok', 'none'), ngrok: fc.record({ version: fc.constantFrom(2, 3) }) }),
      nginx: fc.record({ version: fc.constantFrom('1.18', '1.22', '1.24.0', '1.25.1', '1.27.3'), ipv6: fc.boolean() }),
    });
  });

describe('random valid configs', () => {
  it.runIf(haveBoth)(`${RUNS} random configs all pass nginx -t and caddy validate`, async () => {
    const http2Directive = localNginxHasHttp2Directive();
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(config, async (input) => {
        const parsed = configFrom(stringify(input));
        const plan = buildPlan(parsed, 'proxygen.yaml', { 'github-hooks': ['192.30.252.0/22', '2606:50c0::/32'] });
        // Validate with the syntax the local nginx speaks; the version switch has its own test.
        const files = renderTargets({ ...plan, nginx: { ...plan.nginx, http2Directive: plan.nginx.http2Directive && http2Directive } }, parsed.targets, parsed.preset);
        const nginx = nginxParts(files);
        const nginxResult = await nginxTest(nginx.site, nginx.includes);
        expect(nginxResult.stderr).toBe('');
        const caddy = caddyParts(files);
        const caddyResult = await caddyValidate(caddy.caddyfile, caddy.imports);
        expect(caddyResult.code, caddyResult.stderr).toBe(0);
        checked++;
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(checked).toBe(RUNS);
  }, 600_000);
});
