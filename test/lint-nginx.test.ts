import { describe, expect, it } from 'vitest';
import { notFormattedLine } from '../src/check/tools.js';
import { lintCaddy } from '../src/lint/caddy-rules.js';
import { parseNginx } from '../src/lint/nginx-parse.js';
import { lintNginx } from '../src/lint/nginx-rules.js';

const rules = (conf: string) => lintNginx('t.conf', parseNginx(conf)).map((f) => `${f.rule}@${f.line}`);
const P = 'proxy_pass http://b;';
const WS_OK = `${P} proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; proxy_read_timeout 3600s;`;

describe('nginx lint rules (one-line cases, positive and negative)', () => {
  it.each([
    ['websocket without upgrade headers', `server { location /ws { ${P} } }`, ['nginx/websocket-headers@1', 'nginx/websocket-timeout@1']],
    ['websocket done right', `server { location /ws { ${WS_OK} } }`, []],
    ['websocket headers inherited from server', `server { proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $c; location /ws/ { ${P} proxy_read_timeout 1h; } }`, []],
    ['websocket headers dropped by a local proxy_set_header', `server { proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $c; location /ws/ { ${P} proxy_http_version 1.1; proxy_set_header Host $host; proxy_read_timeout 1h; } }`, ['nginx/websocket-headers@1']],
    ['websocket at the 60 s default', `server { location /socket { ${P} proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; } }`, ['nginx/websocket-timeout@1']],
    ['health open to all (a warning: often a deliberate uptime check)', `server { location = /healthz { ${P} } }`, ['nginx/health-open@1']],
    ['health path ending a longer path', `server { location = /api/health { ${P} } }`, ['nginx/health-open@1']],
    ['Grafana Live is a WebSocket tree, not a probe', `server { location /api/live/ { ${WS_OK} } }`, []],
    ['a live/ directory without upgrade headers is no probe either', `server { location /api/live/ { ${P} } }`, []],
    ['a WebSocket at a health-like name', `server { location = /live { ${WS_OK} } }`, []],
    ['metrics open to all', `server { location /metrics { ${P} } }`, ['nginx/internal-open@1']],
    ['stub_status open to all', `server { location = /nginx_status { stub_status; } }`, ['nginx/internal-open@1']],
    ['health and metrics in one regex: the error only', `server { location ~ ^/(health|metrics)$ { ${P} } }`, ['nginx/internal-open@1']],
    ['health restricted', `server { location = /healthz { allow 10.0.0.0/8; deny all; ${P} } }`, []],
    ['metrics restricted', `server { location /metrics { allow 10.0.0.0/8; deny all; ${P} } }`, []],
    ['webhook without rate limit', `server { location /webhooks/ { ${P} } }`, ['nginx/webhook-rate-limit@1']],
    ['webhook with rate limit', `server { location /webhooks/ { limit_req zone=w burst=5; ${P} } }`, []],
    ['add_header drops a security header', 'server {\nadd_header X-Frame-Options SAMEORIGIN always;\nlocation /a {\nadd_header X-Other 1;\n} }', ['nginx/add-header-dropped@4']],
    ['add_header repeated', 'server { add_header X-A 1; location /a { add_header X-A 1; add_header X-B 2; } }', []],
    ['TLS 1.0 allowed', 'server { ssl_protocols TLSv1 TLSv1.2; }', ['nginx/tls-protocols@1']],
    ['TLS 1.2+', 'server { ssl_protocols TLSv1.2 TLSv1.3; }', []],
    ['OCSP stapling on', 'server { ssl_stapling on; }', ['nginx/ocsp-stapling@1']],
    ['Host from $http_host', 'server { location / { proxy_pass http://b; proxy_set_header Host $http_host; } }', ['nginx/host-spoofing@1']],
    ['proxy_pass to a variable', 'server { location ~ /p/(?<t>.*) { proxy_pass http://$t; } }', ['nginx/ssrf@1']],
    ['alias traversal', 'server { location /files { alias /srv/files/; } }', ['nginx/alias-traversal@1']],
    ['alias with matching slashes', 'server { location /files/ { alias /srv/files/; } }', []],
    ['$uri in a redirect', 'server { location / { return 301 https://x$uri; } }', ['nginx/http-splitting@1']],
    ['$request_uri in a redirect', 'server { location / { return 301 https://x$request_uri; } }', []],
    ['allow without deny', 'server { location = /admin { allow 10.0.0.0/8; proxy_pass http://b; } }', ['nginx/allow-without-deny@1']],
    ['server_tokens on', 'server { server_tokens on; }', ['nginx/server-tokens@1']],
  ])('%s', (_name, conf, expected) => {
    expect(rules(conf).sort()).toEqual([...expected].sort());
  });

  // Issue 22, items 1-3: one case per pattern (the SWAG/Authelia `set` constants, $request_uri,
  // internal locations, the other *_pass directives, captures by what they can match).
  it.each([
    ['ssrf: constants from set (SWAG/Authelia)', 'location / { set $upstream_app authelia; set $upstream_port 9091; set $upstream_proto http; proxy_pass $upstream_proto://$upstream_app:$upstream_port; }', []],
    ['ssrf: $request_uri after a fixed host', 'location / { proxy_pass http://backend$request_uri; }', []],
    ['ssrf: a set holding a fixed host and $request_uri', 'location / { set $u "http://some$request_uri"; proxy_pass $u; }', []],
    ['ssrf: an internal location', 'location /p/ { internal; proxy_pass $arg_to; }', []],
    ['ssrf: a named location (try_files keeps the client\'s arguments)', 'location @fallback { proxy_pass $arg_to; }', ['nginx/ssrf@1']],
    ['ssrf: a capture in the path only', 'location ~ /proxy/(.*)$ { proxy_pass http://static.example.com/$1; }', []],
    ['ssrf: a capture that cannot hold a dot', 'location ~ ^/svc/([a-z]+)/ { proxy_pass http://$1-backend:8080; }', []],
    ['ssrf: a map of fixed values', 'map $http_x $b { default app1; beta app2; } server { location / { proxy_pass http://$b; } }', []],
    ['ssrf: $arg_ as the whole target', 'location /p/ { proxy_pass $arg_to; }', ['nginx/ssrf@1']],
    ['ssrf: ${arg_} inside the host', 'location /b/ { proxy_pass http://a${arg_x}.example.com; }', ['nginx/ssrf@1']],
    ['ssrf: a header as the scheme', 'location /p/ { proxy_pass $http_x_scheme://b/file; }', ['nginx/ssrf@1']],
    ['ssrf: captures through set', 'location ~ /proxy/(.*)/(.*)$ { set $h $1; set $p $2; proxy_pass http://$h/$p; }', ['nginx/ssrf@1']],
    ['ssrf: a map of a client value', 'map $arg_x $b { default $arg_x; } server { location / { proxy_pass http://$b; } }', ['nginx/ssrf@1']],
    ['ssrf: upper-case variable names', 'location / { proxy_pass http://$ARG_HOST; }', ['nginx/ssrf@1']],
    ['ssrf: fastcgi_pass', 'location ~ \\.php$ { fastcgi_pass $arg_backend; }', ['nginx/ssrf@1']],
    ['ssrf: grpc_pass', 'location / { grpc_pass grpc://$http_x_target; }', ['nginx/ssrf@1']],
    ['ssrf: uwsgi_pass', 'location / { uwsgi_pass $cookie_b:9000; }', ['nginx/ssrf@1']],
    ['ssrf: scgi_pass', 'location / { scgi_pass $arg_b:9000; }', ['nginx/ssrf@1']],
    ['splitting: $uri in proxy_pass (not ssrf)', 'location / { proxy_pass http://b$uri; }', ['nginx/http-splitting@1']],
    ['splitting: $document_uri in proxy_pass', 'location / { proxy_pass http://b$document_uri; }', ['nginx/http-splitting@1']],
    ['splitting: a [^/]+ capture in proxy_pass', 'location ~ ^/t/([^/]+)/ { proxy_pass http://10.0.0.1/$1; }', ['nginx/http-splitting@1']],
    ['splitting: a .* capture cannot match a newline', 'location ~ ^/t/(.*) { proxy_pass http://10.0.0.1/$1; }', []],
    ['splitting: $uri in a response body', 'location / { return 200 "no such page: $uri"; }', []],
    ['splitting: $uri in return URL', 'location / { return https://x$uri; }', ['nginx/http-splitting@1']],
    ['splitting: $uri in a rewrite', 'location / { rewrite ^ https://x$uri redirect; }', ['nginx/http-splitting@1']],
    ['splitting: the rewrite\'s own capture (nginx escapes it)', 'rewrite ^/a/(?<p>\\W*)$ http://s/$p redirect;', []],
    ['splitting: a \\W capture through set', 'location ~ /p/(\\W*)$ { set $p $1; proxy_pass http://s/$p; }', ['nginx/http-splitting@1']],
    ['splitting: an (a|b) capture through set', 'location ~ /p/(a|b)/(\\W*)$ { set $p $1; proxy_pass http://s/$p; }', []],
    ['splitting: $URI in add_header', 'location / { add_header X-Uri $URI; }', ['nginx/http-splitting@1']],
    ['splitting: a capture of the still-encoded $request_uri', 'location / { if ($request_uri ~ ^/x/(.+)$) { return 302 /y/$1; } }', []],
    ['splitting: a [^/]+ capture of $uri', 'location / { if ($uri ~ ^/x/([^/]+)$) { return 302 /y/$1; } }', ['nginx/http-splitting@1']],
    ['host: $http_x_forwarded_host', 'location / { proxy_set_header Host $http_x_forwarded_host; }', ['nginx/host-spoofing@1']],
    ['host: a cookie', 'location / { proxy_set_header Host $cookie_host; }', ['nginx/host-spoofing@1']],
    ['host: $HTTP_HOST', 'location / { proxy_set_header HoSt $HTTP_HOST; }', ['nginx/host-spoofing@1']],
    ['host: through set', 'location / { set $h $http_host; proxy_set_header Host $h; }', ['nginx/host-spoofing@1']],
    ['host: $host', 'location / { proxy_set_header Host $host; }', []],
    ['add_header in if drops the server\'s', 'server { add_header X-Frame-Options DENY; location / { if ($arg_x) { add_header X-Debug 1; } } }', ['nginx/add-header-dropped@1']],
    ['add_header in if repeating the location\'s', 'location / { add_header X-A 1; if ($x) { add_header X-A 2; } }', []],
    ['add_header in a nested location', 'server { add_header X-A 1; location / { location /b { add_header X-B 1; } } }', ['nginx/add-header-dropped@1']],
    ['add_header_inherit merge (nginx 1.29.3)', 'server { add_header_inherit merge; add_header X-A 1; location / { add_header X-B 1; } }', []],
  ])('%s', (_name, conf, expected) => {
    expect(rules(conf).sort()).toEqual([...expected].sort());
  });

  it.each([
    ['server { location / { proxy_pass http://b } }', 'unexpected "}" after "proxy_pass" (missing ";"?)', 1],
    ['server {\nlocation / {\n', 'unexpected end of file, expecting "}"', 2],
    ['}', 'unexpected "}"', 1],
    ['add_header X "unterminated;\n', 'unterminated quoted string', 1],
    ["a 'x';\nb \"two\nlines\\\"\n", 'unterminated quoted string', 2],
    ['a;\nset $x ${host', 'unterminated ${ variable', 2],
    ['a "b\nc" { \n', 'unexpected end of file, expecting "}"', 2],
    ['a "b\nc";\n\n}', 'unexpected "}"', 4],
  ])('syntax error in %j', (conf, message, line) => {
    expect(() => parseNginx(conf)).toThrow(message);
    try {
      parseNginx(conf);
    } catch (error) {
      expect((error as { line: number }).line).toBe(line);
    }
  });

  it('keeps quoted braces, ${var} and comments apart', () => {
    const tree = parseNginx('# c { }\nlocation ~ "^/a{2}$" { return 200 "${host};"; }');
    expect(tree[0]).toMatchObject({ name: 'location', args: ['~', '^/a{2}$'], line: 2 });
    expect(tree[0]!.block![0]).toMatchObject({ name: 'return', args: ['200', '${host};'] });
  });

  it('keeps escapes, words with quotes or # inside, and lines after multi-line values', () => {
    const tree = parseNginx('a "x\\"y" b#c d"e;\nf \'1\n2\' ${a b}$c;\ng;');
    expect(tree.map((d) => [d.name, d.args, d.line])).toEqual([
      ['a', ['x\\"y', 'b#c', 'd"e'], 1],
      ['f', ['1\n2', '${a b}$c'], 2],
      ['g', [], 4],
    ]);
  });
});

describe('Caddy lint', () => {
  it('flags respond beside reverse_proxy (the seed 000 mistake), not inside route', () => {
    const bad = 'a.example.com {\n\thandle /health {\n\t\t@i remote_ip 10.0.0.0/8\n\t\treverse_proxy @i localhost:1\n\t\trespond 403\n\t}\n}\n';
    expect(lintCaddy('C', bad).map((f) => `${f.rule}@${f.line}`)).toEqual(['caddy/respond-before-proxy@5']);
    expect(lintCaddy('C', bad.replace('handle /health', 'route /health'))).toEqual([]);
    expect(lintCaddy('C', bad.replace('respond 403', 'respond @x 403'))).toEqual([]);
  });
});

describe("Caddy's not-formatted warning, as each version words and encodes it", () => {
  it.each([
    ['2.6 JSON', '{"level":"warn","ts":1,"msg":"Caddyfile input is not formatted; run the \'caddy fmt\' command to fix inconsistencies","adapter":"caddyfile","file":"/tmp/x/Caddyfile","line":3}', 3],
    ['2.8 JSON', '{"level":"warn","ts":1,"msg":"Caddyfile input is not formatted; run \'caddy fmt --overwrite\' to fix inconsistencies","adapter":"caddyfile","file":"/etc/caddy/Caddyfile","line":12}', 12],
    ['console', '2026/01/19 16:55:15.803 WARN    Caddyfile input is not formatted; run \'caddy fmt --overwrite\' to fix inconsistencies    {"adapter": "caddyfile", "file": "/etc/caddy/Caddyfile", "line": 6}', 6],
    ['2.5 console', '2022/04/11 07:00:22.363 WARN    input is not formatted with \'caddy fmt\' {"adapter": "caddyfile", "file": "Caddyfile", "line": 19}', 19],
    ['formatted', '{"level":"info","ts":1,"msg":"using provided configuration","config_file":"/tmp/x/Caddyfile","config_adapter":"caddyfile"}', null],
  ])('%s', (_, log, line) => expect(notFormattedLine(`Valid configuration\n${log}\n`)).toBe(line));
});
