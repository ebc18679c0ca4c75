import { describe, expect, it } from 'vitest';
import { classify, compareSpecificity } from '../src/plan/match.js';
import type { Plan } from '../src/plan/plan.js';
import { renderNginx } from '../src/targets/nginx.js';
import { planFrom } from './helpers/config.js';

describe('path classification', () => {
  it.each([
    ['/health', true, 'exact', '/health'],
    ['/api/connectors/*/grant', false, 'glob', '/api/connectors/*/grant'],
    ['/api/', false, 'prefix', '/api/'],
    ['/api/auth/*', false, 'prefix', '/api/auth/'],
    ['/ws', false, 'segment', '/ws'],
    ['/', false, 'prefix', '/'],
    ['/', true, 'exact', '/'],
  ] as const)('%s exact=%s -> %s %s', (path, exact, kind, normalized) => {
    expect(classify(path, exact)).toEqual({ kind, path: normalized });
  });

  it('orders exact, then glob by literal length, then longest prefix', () => {
    const paths = [['/', false], ['/api/', false], ['/ws', false], ['/api/*/x', false], ['/api/*/longer', false], ['/health', true], ['/api/tasks', false]] as const;
    const sorted = paths.map(([p, e]) => classify(p, e)).sort(compareSpecificity).map((m) => `${m.kind} ${m.path}`);
    expect(sorted).toEqual(['exact /health', 'glob /api/*/longer', 'glob /api/*/x', 'segment /api/tasks', 'prefix /api/', 'segment /ws', 'prefix /']);
  });
});

/** First plan route whose regex matches: how Caddy (route), cloudflared and ngrok decide. */
function firstMatch(plan: Plan, path: string): string {
  const route = plan.routes.find((r) => new RegExp(r.regex).test(path));
  return route ? `${route.match.kind} ${route.match.path}` : '404';
}

/** nginx's own location algorithm over the rendered file: exact, longest prefix, regexes in order. */
function nginxPick(plan: Plan, path: string): string {
  const conf = renderNginx(plan)[0]!.content.split('server {').pop()!;
  const locations = [...conf.matchAll(/location (= |~ )?(\S+) \{\n([\s\S]*?)\n {4}\}/g)].map((m) => ({ mod: m[1] ?? '', arg: m[2]!, body: m[3]! }));
  const name = (loc: { body: string }) => (loc.body.includes('return 404;') ? '404' : loc.body);
  const exact = locations.find((l) => l.mod === '= ' && l.arg === path);
  if (exact) return name(exact);
  const prefixes = locations.filter((l) => l.mod === '' && path.startsWith(l.arg)).sort((a, b) => b.arg.length - a.arg.length);
  const regex = locations.find((l) => l.mod === '~ ' && new RegExp(l.arg).test(path));
  return name(regex ?? prefixes[0] ?? { body: 'return 404;' });
}

const PRESET_YAMLS = {
  pilot: 'preset: pilot\ndomain: pilot.example.com\n',
  'pilot-app': 'preset: pilot-app\ndomain: app.example.com\n',
  pipelit: 'preset: pipelit\ndomain: p.example.com\n',
  pipegate: 'preset: pipegate\ndomain: g.example.com\n',
};

const REQUESTS = ['/', '/ws', '/ws/', '/wsx', '/ws/x', '/webhooks', '/webhooks/', '/webhooks/github', '/webhooks/github/x', '/webhooks/gitlab', '/health', '/health/', '/healthz', '/metrics', '/api/', '/api/v1/status', '/api/auth/login', '/api/connectors/gh/grant', '/api/connectors/gh/grant/x', '/api/connectors/a/b/grant', '/api/tasks', '/api/tasks/1', '/api/tasksx', '/abc123/anything', '/other'];

describe('routing table: the most specific route wins', () => {
  it.each([
    ['pilot', '/webhooks/github', 'segment /webhooks/github'],
    ['pilot', '/webhooks/github/x', 'segment /webhooks/github'],
    ['pilot', '/webhooks/gitlab', 'prefix /webhooks/'],
    ['pilot', '/metrics', 'exact /metrics'],
    ['pilot', '/metrics/x', '404'],
    ['pilot', '/wsx', '404'],
    ['pilot', '/ws/x', 'segment /ws'],
    ['pilot', '/other', '404'],
    ['pilot-app', '/api/connectors/gh/grant', 'glob /api/connectors/*/grant'],
    ['pilot-app', '/api/connectors/a/b/grant', 'prefix /api/'],
    ['pilot-app', '/api/auth/login', 'prefix /api/auth/'],
    ['pilot-app', '/api/tasks', 'segment /api/tasks'],
    ['pilot-app', '/api/tasksx', 'prefix /api/'],
    ['pilot-app', '/other', 'prefix /'],
    ['pipegate', '/', 'exact /'],
    ['pipegate', '/healthz', 'exact /healthz'],
    ['pipegate', '/abc123/anything', 'prefix /'],
    ['pipelit', '/ws/', 'prefix /ws/'],
    ['pipelit', '/ws', 'prefix /'],
  ] as const)('%s: %s -> %s', (preset, path, expected) => {
    expect(firstMatch(planFrom(PRESET_YAMLS[preset]), path)).toBe(expected);
  });

  it.each(Object.keys(PRESET_YAMLS))('nginx picks the same route as the plan order for every request (%s)', (preset) => {
    const plan = planFrom(PRESET_YAMLS[preset as keyof typeof PRESET_YAMLS]);
    const bodies = new Map(plan.routes.map((r) => [`${r.match.kind} ${r.match.path}`, r]));
    for (const path of REQUESTS) {
      const planned = firstMatch(plan, path);
      const picked = nginxPick(plan, path);
      if (planned === '404') expect(picked, path).toBe('404');
      else {
        const route = bodies.get(planned)!;
        expect(picked, path).not.toBe('404');
        // Same policy in the chosen location: the rate zone or timeout of the planned route.
        if (route.rate) expect(picked, path).toContain(`_${route.id} `);
        if (route.timeout) expect(picked, path).toContain(`proxy_read_timeout ${route.timeout}s;`);
        if (route.access) expect(picked, path).toContain('deny all;');
        if (!route.access) expect(picked, path).not.toContain('deny all;');
      }
    }
  });
});

describe('route ids', () => {
  it('numbers paths that slug alike, skipping ids another path already has', () => {
    const yaml = 'domain: ids.example.com\nupstream: http://127.0.0.1:8080\nroutes:\n  - { path: /a-b }\n  - { path: /a.b }\n  - { path: /a_b_2 }\n  - { path: /A_b }\n  - { path: /a~b }\n';
    expect(planFrom(yaml).routes.map((r) => `${r.match.path} ${r.id}`)).toEqual(['/a_b_2 a_b_2', '/A_b a_b', '/a-b a_b_3', '/a.b a_b_4', '/a~b a_b_5']);
  });
});
