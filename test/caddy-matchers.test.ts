import { describe, expect, it } from 'vitest';
import { renderCaddy } from '../src/targets/caddy.js';
import { planFrom } from './helpers/config.js';

/** Matchers named at site level (one tab in): what Caddy's adapter slows on, with their square. */
function siteMatchers(routes: string): string[] {
  const yaml = `domain: m.example.com\nupstream: http://127.0.0.1:8080\nnetworks: { internal: [10.0.0.0/8] }\nroutes:\n${routes}`;
  const caddyfile = renderCaddy(planFrom(yaml))[0]!.content;
  return [...caddyfile.matchAll(/^\t@(\S+) \{$/gm)].map((m) => m[1]!);
}

describe('Caddy matchers: named at site level only where one path will not do', () => {
  it.each([
    ['an exact route', '  - { path: /health, exact: true }\n', []],
    ['a prefix route (and its slash redirect)', '  - { path: /api/ }\n', []],
    ['a glob', '  - { path: /a/*/b }\n', []],
    ['a segment route: two paths', '  - { path: /ws }\n', ['ws']],
    // Its variants (/METRICS, /metrics/, /metrics;x) need a path_regexp.
    ['an allowlisted exact route: one name for it and its variants', '  - { path: /metrics, exact: true, allow: [internal] }\n', ['metrics_exact_variants']],
    ['an allowlisted segment route', '  - { path: /hooks, allow: [internal] }\n', ['hooks']],
  ])('%s', (_, routes, expected) => {
    expect(siteMatchers(routes)).toEqual(expected);
  });

  it('names the refusal inside the handle, before reverse_proxy', () => {
    const yaml = 'domain: m.example.com\nupstream: http://127.0.0.1:8080\nnetworks: { internal: [10.0.0.0/8] }\nroutes:\n  - { path: /metrics, exact: true, allow: [internal] }\n';
    const caddyfile = renderCaddy(planFrom(yaml))[0]!.content;
    expect(caddyfile).toContain('\t\thandle @metrics_exact_variants {\n\t\t\t@metrics_exact_denied {\n\t\t\t\tnot {\n\t\t\t\t\tremote_ip 10.0.0.0/8\n\t\t\t\t}\n\t\t\t}\n\t\t\trespond @metrics_exact_denied 403\n\t\t\treverse_proxy 127.0.0.1:8080 {\n');
  });

  it('413 for a declared body: one site-level check when no route allows more than the site', () => {
    const base = 'domain: m.example.com\nupstream: http://127.0.0.1:8080\nlimits: { body: 10m }\nroutes:\n  - { path: /api/ }\n';
    const check = (bytes: number) => `expression \`{http.request.header.Content-Length} != "" && int({http.request.header.Content-Length}) > ${bytes}\``;
    const caddyfile = (routes: string) => renderCaddy(planFrom(`${base}${routes}`))[0]!.content;
    const covered = caddyfile('  - { path: /small/, body: 1k }\n');
    expect(covered).toContain(`\t@proxygen-too-large ${check(10485760)}\n`);
    expect(covered).toContain(`\t\t\t@small_too_large ${check(1024)}\n`);
    expect(covered.match(/too_large expression/g)).toHaveLength(1);
    // A route allowed more than the site: each handle checks its own limit instead.
    const perHandle = caddyfile('  - { path: /upload/, body: 50m }\n');
    expect(perHandle).not.toContain('@proxygen-too-large');
    expect(perHandle).toContain(`\t\t\t@upload_too_large ${check(52428800)}\n`);
    expect(perHandle).toContain(`\t\t\t@api_too_large ${check(10485760)}\n`);
  });
});
