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
    expect(caddyfile).toContain('\t\thandle @metrics_exact_variants {\n\t\t\t@metrics_exact_too_large expression `{http.request.header.Content-Length} != "" && int({http.request.header.Content-Length}) > 10485760`\n\t\t\trespond @metrics_exact_too_large 413\n\t\t\t@metrics_exact_denied {\n\t\t\t\tnot {\n\t\t\t\t\tremote_ip 10.0.0.0/8\n\t\t\t\t}\n\t\t\t}\n\t\t\trespond @metrics_exact_denied 403\n\t\t\treverse_proxy 127.0.0.1:8080 {\n');
  });
});
