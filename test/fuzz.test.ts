import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowlistsFromMeta, MetaRejected } from '../src/allowlist/validate.js';
import { UserError } from '../src/errors.js';
import { renderTargets } from '../src/targets/index.js';
import { TARGET_NAMES } from '../src/config/schema.js';
import { planFrom } from './helpers/config.js';
import { FIXTURES } from './helpers/project.js';

// Seeded, so a failure names a case that can be run again (FUZZ_SEED to explore others).
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);

// Every key of the schema with a value that is valid for it: the fuzzer replaces one or more.
const VALID: Record<string, string> = {
  version: '1',
  preset: 'pilot',
  domain: 'pilot.example.com',
  upstream: 'http://127.0.0.1:9090',
  ports: '{ http: 8080, https: 8443 }',
  tls: '{ mode: files, email: ops@example.com, cert: /etc/ssl/c.pem, key: /etc/ssl/k.pem, profile: modern, hsts: true }',
  headers: '{ security: true }',
  limits: '{ body: 10m, rate_status: 429 }',
  networks: '{ internal: [10.0.0.0/8, "2001:db8::/32"] }',
  allowlists: '{ github-hooks: { source: github-meta, sections: [hooks] } }',
  routes: '[{ path: /ws, websocket: true, timeout: 1h }, { paths: [/health], exact: true, allow: [internal] }, { path: /api/*/x, rate: 5/m, burst: 3, body: 1m }]',
  tunnel: '{ provider: cloudflare, cloudflare: { tunnel: pilot, credentials_file: /etc/cloudflared/p.json }, ngrok: { version: 3, domain: p.ngrok.app } }',
  firewall: '{ allow: [80, 443], deny: [9090] }',
  targets: '[nginx, caddy, cloudflared, ngrok]',
  output: 'deploy/proxy',
  reload_command: 'systemctl reload nginx',
  nginx: '{ version: "1.25", ipv6: true, allowlist_dir: proxygen/allowlists }',
  caddy: '{ version: "2.7" }',
};

const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '~', 'null', 'true', '0', '-1', '1e999', '0x10', '010.0.0.0/8', '64.0.0.0/2', '::', '*x', '&a', '!!binary x', '__proto__', 'constructor', '../..', '/', '"\\u001b[31m"', '"a\\nb"', '[', '{', '}', '- x', '? x', '|', '>'),
  fc.integer(),
  fc.double(),
);
const value: fc.Arbitrary<string> = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, scalar.map(String), tie('list'), tie('map')),
  list: fc.array(tie('any'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
  map: fc.array(fc.tuple(fc.constantFrom(...Object.keys(VALID), 'path', 'mode', 'source', 'x', '__proto__'), tie('any')), { maxLength: 4 }).map((pairs) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
})).any as fc.Arbitrary<string>;

/** The config with some keys given random (mostly hostile) values. */
const config = fc.dictionary(fc.constantFrom(...Object.keys(VALID)), value, { maxKeys: 4 }).map((overrides) =>
  Object.entries({ ...VALID, ...overrides })
    .map(([key, text]) => `${key}: ${text}`)
    .join('\n'),
);

/** What the CLI does short of writing: parse, resolve, plan, render every target. */
function renderAll(yaml: string): 'rendered' | 'refused' {
  try {
    const plan = planFrom(yaml, { 'github-hooks': ['192.30.252.0/22'] });
    renderTargets(plan, [...TARGET_NAMES], 'pilot');
    return 'rendered';
  } catch (error) {
    if (error instanceof UserError && error.code === 2 && /^proxygen\.yaml:\d+:\d+ /.test(error.message) && !/[\x00-\x09\x0b-\x1f\x7f]/.test(error.message)) return 'refused';
    throw error;
  }
}

describe(`fuzz (seed ${SEED}, ${RUNS} runs each)`, () => {
  it('the valid config renders', () => expect(renderAll(Object.entries(VALID).map(([k, v]) => `${k}: ${v}`).join('\n'))).toBe('rendered'));

  it('every schema key: rendered, or refused with file:line:col and exit 2, never another error', () => {
    const seen = { rendered: 0, refused: 0 };
    fc.assert(
      fc.property(config, (yaml) => {
        seen[renderAll(yaml)]++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(seen.refused).toBeGreaterThan(RUNS / 2);
    console.log(`fuzz: ${RUNS} configs tried, ${seen.refused} refused, ${seen.rendered} rendered`);
  });

  const sample = JSON.parse(readFileSync(join(FIXTURES, 'github-meta-sample.json'), 'utf8')) as Record<string, string[]>;
  const entry = fc.oneof(fc.constantFrom(...sample.hooks!, ...sample.web!.slice(0, 20)), scalar, fc.ipV4().map((ip) => `${ip}/24`), fc.ipV6(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
  const body = fc.oneof(
    fc.dictionary(fc.constantFrom('hooks', 'web', '__proto__', 'x'), fc.oneof(fc.array(entry, { maxLength: 12 }), scalar), { maxKeys: 3 }).map((data) => JSON.stringify(data)),
    fc.string({ maxLength: 60 }),
    fc.constantFrom('', 'null', '[]', '{"hooks": {}}', '{"hooks": "1.2.3.4/32"}', '{"__proto__": {"hooks": ["1.2.3.0/24"]}}'),
  );

  it('meta responses: lists, or refused with one line, never another error', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(body, (text) => {
        try {
          allowlistsFromMeta(text, [{ name: 'github-hooks', sections: ['hooks'] }]);
          seen.accepted++;
        } catch (error) {
          if (!(error instanceof MetaRejected) || error.message.includes('\n')) throw error;
          seen.refused++;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(`fuzz: ${RUNS} meta responses tried, ${seen.refused} refused, ${seen.accepted} accepted`);
  });
});
