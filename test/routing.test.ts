import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from './helpers/cli.js';
import { configMessage, planFrom } from './helpers/config.js';

// The routing keys (issue 23): what each means in the plan, and what is refused with which message.
const BASE = 'domain: a.example.com\nupstream: http://127.0.0.1:8080\n';

describe('upstreams', () => {
  it.each([
    ['an unknown route upstream', `${BASE}routes:\n  - { path: /x, upstream: api }\n`, /^proxygen\.yaml:4:\d+ routes\.0\.upstream: unknown upstream "api"; define it under upstreams: \(known: none defined\)/],
    ['an unknown site upstream', 'domain: a.example.com\nupstream: web\n', /^proxygen\.yaml:2:\d+ upstream: unknown upstream "web"/],
    ['mixed schemes', `${BASE}upstreams:\n  api: { servers: [http://10.0.0.1:80, https://10.0.0.2:443] }\n`, /upstreams\.api\.servers: servers of one upstream must share one scheme/],
    ['a server twice', `${BASE}upstreams:\n  api: { servers: [http://10.0.0.1:80, http://10.0.0.1:80] }\n`, /upstreams\.api\.servers\.1: http:\/\/10\.0\.0\.1:80 is listed twice/],
    ['no servers', `${BASE}upstreams:\n  api: { servers: [] }\n`, /upstreams\.api\.servers: /],
    ['max_fails 0', `${BASE}upstreams:\n  api: { servers: [http://10.0.0.1:80], max_fails: 0 }\n`, /upstreams\.api\.max_fails: /],
    ['a URL with a path', `${BASE}routes:\n  - { path: /x, upstream: "http://10.0.0.1:80/api" }\n`, /routes\.0\.upstream: expected http:\/\/HOST:PORT .*\(or a name from upstreams:\)/],
    ['an upper-case name', `${BASE}routes:\n  - { path: /x, upstream: Api }\n`, /routes\.0\.upstream: /],
  ])('%s is refused', (_, yaml, message) => {
    expect(configMessage(yaml)).toMatch(message);
  });

  it('routes go to their own group; the site keeps its own, named backend', () => {
    const plan = planFrom(`${BASE}upstreams:\n  api: { servers: [http://10.0.0.1:80, http://10.0.0.2:80], max_fails: 3, fail_timeout: 1m }\nroutes:\n  - { path: /api/, upstream: api }\n  - { path: /old/, upstream: "http://10.0.0.9:81" }\n  - { path: /same/, upstream: "http://127.0.0.1:8080" }\n  - { path: / }\n`);
    expect(plan.routes.map((route) => `${route.match.path} ${route.upstream}`)).toEqual(['/same/ (site)', '/api/ api', '/old/ http://10.0.0.9:81', '/ (site)']);
    expect(plan.upstreams.map((group) => `${group.id} ${group.servers.join(',')} ${group.maxFails}/${group.failTimeout}`)).toEqual([
      'backend 127.0.0.1:8080 1/10',
      'up_api 10.0.0.1:80,10.0.0.2:80 3/60',
      'to_10_0_0_9_81 10.0.0.9:81 1/10',
    ]);
  });

  it('an upstream named "site" is not the site\'s own', () => {
    const plan = planFrom(`${BASE}upstreams:\n  site: { servers: [http://10.0.0.7:80] }\nroutes:\n  - { path: /s/, upstream: site }\n`);
    expect(plan.routes[0]!.upstream).toBe('site');
    expect(plan.upstreams.map((group) => `${group.id} ${group.servers.join(',')}`)).toEqual(['backend 127.0.0.1:8080', 'up_site 10.0.0.7:80']);
  });

  it('two URLs with one host:port get distinct names', () => {
    const plan = planFrom(`${BASE}routes:\n  - { path: /a/, upstream: "http://10.0.0.9" }\n  - { path: /b/, upstream: "http://10.0.0.9:80" }\n`);
    expect(plan.upstreams.map((group) => group.id)).toEqual(['backend', 'to_10_0_0_9_80', 'to_10_0_0_9_80_2']);
  });
});

describe('response headers', () => {
  const site = (block: string) => `${BASE}headers:\n${block}`;
  it.each([
    ['a security header at site level', site('  set: { X-Frame-Options: DENY }\n'), /headers\.set\.X-Frame-Options: X-Frame-Options is one of the security headers \(headers\.security\); set headers\.security: false/],
    ['a framing header', site('  set: { Content-Length: "5" }\n'), /headers\.set\.Content-Length: Content-Length belongs to the proxy and the connection/],
    ['removing a hop-by-hop header', site('  remove: [Connection]\n'), /headers\.remove\.0: Connection belongs to the proxy/],
    ['one name twice in other cases', site('  set: { X-A: "1", x-a: "2" }\n'), /headers\.set\.x-a: x-a is already set; one value per header/],
    ['set and removed', site('  set: { X-A: "1" }\n  remove: [X-A]\n'), /headers\.remove\.0: X-A is already set; one value per header/],
    ['a dollar sign in a value', site('  set: { Content-Security-Policy: "default-src $host" }\n'), /headers\.set\.Content-Security-Policy: header value contains "\$"; refused \(never escaped\)/],
    ['an edge space', site('  set: { X-A: "1 " }\n'), /headers\.set\.X-A: header value starts or ends with a space/],
    ['an empty value', site('  set: { X-A: "" }\n'), /headers\.set\.X-A: expected a header value of 1 to 1024 characters/],
    ['a tab', site('  set: { X-A: "a\\tb" }\n'), /headers\.set\.X-A: header value contains a control/],
    ['a name with a colon', site('  set: { "X-A:": "1" }\n'), /headers\.set\.X-A:: bad key: expected a header name/],
    ['a route framing header', `${BASE}routes:\n  - { path: /x, headers: { remove: [Transfer-Encoding] } }\n`, /routes\.0\.headers\.remove\.0: Transfer-Encoding belongs to the proxy/],
  ])('%s is refused', (_, yaml, message) => {
    expect(configMessage(yaml)).toMatch(message);
  });

  it('a route may change a security header for its paths; security off frees them at site level', () => {
    expect(configMessage(`${BASE}routes:\n  - { path: /embed/, headers: { remove: [X-Frame-Options] } }\n`)).toBe('');
    expect(configMessage(site('  security: false\n  set: { X-Frame-Options: DENY }\n'))).toBe('');
  });

  it('the site list is security, HSTS, then set and remove; a route keeps its own changes', () => {
    const plan = planFrom(`${BASE}tls: { mode: files, cert: /c.pem, key: /k.pem }\nheaders:\n  set: { Content-Security-Policy: "default-src 'self'" }\n  remove: [Server]\nroutes:\n  - { path: /x, headers: { set: { Cache-Control: no-store }, remove: [X-Frame-Options] } }\n`);
    expect(plan.siteHeaders.map((op) => `${op.name}=${op.value ?? '(removed)'}`)).toEqual([
      'X-Content-Type-Options=nosniff',
      'X-Frame-Options=SAMEORIGIN',
      'Referrer-Policy=no-referrer',
      'Strict-Transport-Security=max-age=63072000',
      "Content-Security-Policy=default-src 'self'",
      'Server=(removed)',
    ]);
    expect(plan.routes[0]!.headers).toEqual([{ name: 'Cache-Control', value: 'no-store' }, { name: 'X-Frame-Options', value: null }]);
  });
});

describe('compression', () => {
  it.each([
    ['a string', `${BASE}compression: "yes"\n`, /^proxygen\.yaml:3:\d+ compression: /],
    ['a number', `${BASE}compression: 1\n`, /^proxygen\.yaml:3:\d+ compression: /],
  ])('%s is refused', (_, yaml, message) => {
    expect(configMessage(yaml)).toMatch(message);
  });

  it('is off unless asked for', () => {
    expect(planFrom(BASE).compression).toBe(false);
    expect(planFrom(`${BASE}compression: true\n`).compression).toBe(true);
  });
});

describe('redirects and www', () => {
  it.each([
    ['a glob', `${BASE}redirects:\n  - { from: /old/*/x, to: /new/ }\n`, /redirects\.0\.from: a redirect matches one exact path; "\*" is not allowed here/],
    ['a path a route matches exactly', `${BASE}routes:\n  - { path: /old }\nredirects:\n  - { from: /old, to: /new }\n`, /redirects\.0\.from: a route already matches \/old exactly/],
    ['one path twice', `${BASE}redirects:\n  - { from: /a, to: /b }\n  - { from: /a, to: /c }\n`, /redirects\.1\.from: \/a is redirected twice/],
    ['to itself', `${BASE}redirects:\n  - { from: /a, to: /a }\n`, /redirects\.0\.to: redirects to itself/],
    ['a status that is no redirect', `${BASE}redirects:\n  - { from: /a, to: /b, status: 200 }\n`, /redirects\.0\.status: /],
    ['a relative target', `${BASE}redirects:\n  - { from: /a, to: b }\n`, /redirects\.0\.to: a path starts with "\/"/],
    ['a target with a query', `${BASE}redirects:\n  - { from: /a, to: "/b?x=1" }\n`, /redirects\.0\.to: path segment "b\?x=1"/],
    ['a foreign scheme', `${BASE}redirects:\n  - { from: /a, to: "javascript://x/" }\n`, /redirects\.0\.to: a path starts with "\/"/],
    ['an upper-case host', `${BASE}redirects:\n  - { from: /a, to: "https://Docs.example.com/" }\n`, /redirects\.0\.to: redirect host: host names are lowercase here/],
    ['a port out of range', `${BASE}redirects:\n  - { from: /a, to: "https://docs.example.com:70000/" }\n`, /redirects\.0\.to: port must be 1-65535/],
    ['www: yes', `${BASE}www: yes\n`, /www: expected one of "redirect", "none"/],
  ])('%s is refused', (_, yaml, message) => {
    expect(configMessage(yaml)).toMatch(message);
  });

  it.each([
    ['a.example.com', 'www.a.example.com'],
    ['www.example.com', 'example.com'],
  ])('www: redirect on %s serves %s', (domain, other) => {
    expect(planFrom(`domain: ${domain}\nupstream: http://127.0.0.1:8080\nwww: redirect\n`).www).toBe(other);
  });

  it('301 unless told; a bare host is its root', () => {
    const plan = planFrom(`${BASE}redirects:\n  - { from: /a, to: "https://docs.example.com" }\n`);
    expect(plan.redirects).toEqual([{ from: '/a', to: 'https://docs.example.com', status: 301 }]);
  });
});

describe('basic auth', () => {
  it.each([
    ['a relative file', `${BASE}routes:\n  - { path: /m, auth: { basic: htpasswd } }\n`, /routes\.0\.auth\.basic: expected an absolute file path/],
    ['no file', `${BASE}routes:\n  - { path: /m, auth: {} }\n`, /routes\.0\.auth\.basic: missing required key/],
    ['an unknown scheme', `${BASE}routes:\n  - { path: /m, auth: { digest: /etc/x } }\n`, /routes\.0\.auth\.digest: unknown key/],
  ])('%s is refused', (_, yaml, message) => {
    expect(configMessage(yaml)).toMatch(message);
  });

  it('with an internal allow list the route is no longer internal-only; an exact path keeps its variants guarded', () => {
    const plan = planFrom(`${BASE}networks: { office: [10.0.0.0/8] }\nroutes:\n  - { path: /metrics, exact: true, allow: [office], auth: { basic: /etc/nginx/htpasswd } }\n  - { path: /health, exact: true, auth: { basic: /etc/nginx/htpasswd } }\n`);
    expect(plan.routes.map((route) => [route.match.path, route.internalOnly, route.variants !== undefined, route.auth?.basic])).toEqual([
      ['/metrics', false, true, '/etc/nginx/htpasswd'],
      ['/health', false, true, '/etc/nginx/htpasswd'],
    ]);
  });

  it('render names the password files and never copies them', () => {
    const dir = tempProject();
    try {
      writeFileSync(join(dir, 'htpasswd'), 'ops:$2b$04$SENTINELSENTINELSENTINELSENTINELSENTINELSENTINELSENTI\n');
      writeFileSync(join(dir, 'users'), 'ops $2b$04$SENTINELSENTINELSENTINELSENTINELSENTINELSENTINELSENTI\n');
      writeFileSync(join(dir, 'proxygen.yaml'), `${BASE}routes:\n  - { path: /m/, auth: { basic: ${join(dir, 'htpasswd')}, caddy_file: ${join(dir, 'users')} } }\n`);
      const result = cli(['render'], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      expect(`${result.stdout}${result.stderr}`).not.toContain('SENTINEL');
      const out = join(dir, 'deploy', 'proxy');
      const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      const texts = files.map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
      expect(texts.some((text) => text.includes(join(dir, 'htpasswd')))).toBe(true);
      expect(texts.filter((text) => text.includes('SENTINEL'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ngrok straight to the app sets the headers and compresses', () => {
  const ngrokPolicy = async (yaml: string) => {
    const { renderNgrok } = await import('../src/targets/ngrok.js');
    const { parse } = await import('yaml');
    const file = parse(renderNgrok(planFrom(yaml))[0]!.content) as { endpoints: { traffic_policy?: { on_http_response?: { name: string; expressions?: string[]; actions: { type: string; config: { headers: unknown } }[] }[] } }[] };
    return file.endpoints[0]!.traffic_policy?.on_http_response ?? [];
  };
  const many = Array.from({ length: 12 }, (_, i) => `X-H${i}: "v${i}"`).join(', ');

  it('more than ten names take several actions; a name is removed before it is added', async () => {
    const rules = await ngrokPolicy(`${BASE}headers: { security: false, set: { ${many} } }\ntunnel: { provider: ngrok, via: app }\n`);
    expect(rules.map((rule) => `${rule.name}: ${rule.actions.map((a) => `${a.type} ${Array.isArray(a.config.headers) ? a.config.headers.length : Object.keys(a.config.headers as object).length}`).join(', ')}`)).toEqual([
      'headers: remove-headers 10, remove-headers 2, add-headers 10, add-headers 2',
    ]);
  });

  it('a route with its own list is left out of the site rule; WebSocket routes are not compressed', async () => {
    const rules = await ngrokPolicy(`${BASE}compression: true\nheaders: { security: false, set: { X-A: "1" } }\nroutes:\n  - { path: /ws, websocket: true }\n  - { path: /e/, headers: { remove: [X-A] } }\ntunnel: { provider: ngrok, via: app }\n`);
    expect(rules.map((rule) => `${rule.name} ${rule.expressions?.join('') ?? '(all)'}`)).toEqual([
      "compression !((req.url.path == '/ws' || req.url.path.startsWith('/ws/')))",
      "headers !(req.url.path.startsWith('/e/'))",
      "headers /e/ req.url.path.startsWith('/e/')",
    ]);
  });

  it('redirects come first, matching the whole URL and keeping the query', async () => {
    const { renderNgrok } = await import('../src/targets/ngrok.js');
    const { parse } = await import('yaml');
    const plan = planFrom(`${BASE}redirects:\n  - { from: /a.b, to: /c/, status: 308 }\n  - { from: /d, to: "https://e.example.com/f" }\nroutes:\n  - { path: /x, rate: 1/s }\ntunnel: { provider: ngrok, via: app }\n`);
    const rules = (parse(renderNgrok(plan)[0]!.content) as { endpoints: { traffic_policy: { on_http_request: { name: string; actions: { type: string; config: object }[] }[] } }[] }).endpoints[0]!.traffic_policy.on_http_request;
    expect(rules.map((rule) => [rule.name, rule.actions[0]!.type, rule.actions[0]!.config])).toEqual([
      ['redirect /a.b', 'redirect', { from: '^([a-z]+://[^/]+)/a[.]b([?].*)?$', to: '$1/c/$2', status_code: 308 }],
      ['redirect /d', 'redirect', { from: '^([a-z]+://[^/]+)/d([?].*)?$', to: 'https://e.example.com/f$2', status_code: 301 }],
      ['policy /x', 'rate-limit', expect.any(Object)],
    ]);
    const url = 'https://a.example.com/a.b?q=1';
    const [from, to] = [new RegExp(rules[0]!.actions[0]!.config['from' as never] as string), '$1/c/$2'];
    expect(url.replace(from, to)).toBe('https://a.example.com/c/?q=1');
  });

  it('through the proxy the proxy does it: no response rules', async () => {
    expect(await ngrokPolicy(`${BASE}compression: true\nheaders: { set: { X-A: "1" } }\ntunnel: { provider: ngrok }\n`)).toEqual([]);
  });
});
