import type { Severity } from './finding.js';

/**
 * What each rule of `check` catches and what it does not: the SARIF rule metadata, and the
 * README's table (test/rule-docs.test.ts keeps the two the same).
 */
export interface RuleDoc {
  id: string;
  level: Severity;
  /** The README's severity column, where the level depends on the finding. */
  levels?: string;
  catches: string;
  misses: string;
}

export const RULE_DOCS: RuleDoc[] = [
  { id: 'nginx/websocket-headers', level: 'error', catches: 'a WebSocket location (an `Upgrade` header or a `/ws`, `/socket`, `/cable` path) without `proxy_http_version 1.1` and Upgrade/Connection headers', misses: 'WebSocket paths with other names that set no `Upgrade` header' },
  { id: 'nginx/websocket-timeout', level: 'warning', catches: 'a WebSocket location left at the 60 s `proxy_read_timeout` default', misses: 'heartbeats slower than a timeout set above 60 s' },
  { id: 'nginx/internal-open', level: 'error', catches: 'metrics and status locations (`/metrics`, `stub_status` pages) without `allow`/`deny`', misses: 'pages protected some other way (auth_request, a firewall) are still reported' },
  { id: 'nginx/health-open', level: 'warning', catches: 'a location whose last path segment is a health/readiness/liveness name (`/healthz`, `/api/health`, `= /livez`) without `allow`/`deny` (often a deliberate uptime check, as PipeGate\'s `/healthz`)', misses: 'a WebSocket location or a prefix *directory* such as Grafana\'s `/api/live/`; health pages under other names' },
  { id: 'nginx/webhook-rate-limit', level: 'warning', catches: 'webhook locations without `limit_req`', misses: 'rate limits applied outside nginx' },
  { id: 'nginx/add-header-dropped', level: 'warning', levels: 'warning (error when a security header is dropped)', catches: '`add_header` in a server, location or `if` block that drops the headers of the nearest outer block with any (nginx inherits them only when a block sets none; `add_header_inherit merge` is respected)', misses: 'headers set with `more_set_headers`; `proxy_set_header` (inherits the same way)' },
  { id: 'nginx/tls-protocols', level: 'error', catches: '`ssl_protocols` below TLSv1.2', misses: 'weak `ssl_ciphers`' },
  { id: 'nginx/ocsp-stapling', level: 'warning', catches: '`ssl_stapling on` (Let\'s Encrypt ended OCSP; stapling fails)', misses: '' },
  { id: 'nginx/host-spoofing', level: 'warning', catches: '`proxy_set_header Host` from a request header, argument or cookie (`$http_host`, `$http_x_forwarded_host`, `$arg_*`, `$cookie_*`, also through `set`; names case-insensitive), gixy host_spoofing', misses: '`$host` (nginx validates it); headers other than Host' },
  { id: 'nginx/ssrf', level: 'error', catches: '`proxy_pass`, `fastcgi_pass`, `grpc_pass`, `uwsgi_pass`, `scgi_pass`, `memcached_pass` whose scheme or host comes from the client: `$arg_*`, `$http_*`, `$cookie_*`, `$host`, `$args`, or a regex capture that can hold a `.` or `/`, followed through `set` and `map` (gixy ssrf)', misses: 'constants from `set`/`map` (the SWAG pattern), `$request_uri`/`$uri` after a fixed host, captures limited to e.g. `[a-z]+`, `internal;` locations (a `@named` one is checked: try_files reaches it with the client\'s arguments), variables defined only in an included file' },
  { id: 'nginx/alias-traversal', level: 'error', catches: '`alias` inside a prefix location without a trailing `/` (gixy alias_traversal)', misses: 'regex locations' },
  { id: 'nginx/http-splitting', level: 'error', catches: 'a URL-decoded value that can carry CR/LF (`$uri`, `$document_uri`, a capture of the decoded path that can match a newline, such as `([^/]+)` or `\\W*`) in a redirect (`return 30x`, `return URL`, `rewrite`), `add_header`, `proxy_set_header` or the `proxy_pass` URL (gixy http_splitting)', misses: '`return 200 "… $uri"` (a body), `(.*)` captures (`.` stops at a newline), the rewrite\'s own captures (nginx escapes them), `$request_uri`' },
  { id: 'nginx/allow-without-deny', level: 'error', catches: '`allow` lines with no final `deny all` (everyone else is still allowed)', misses: 'blocks with an `include` (the deny may be there)' },
  { id: 'nginx/server-tokens', level: 'note', catches: '`server_tokens` set to anything but off', misses: '' },
  { id: 'caddy/respond-before-proxy', level: 'error', catches: '`respond 403` beside `reverse_proxy` in one block: Caddy runs `respond` first, for everyone', misses: 'the same inside `route` (order is literal there, so fine)' },
  { id: 'project/tls-off', level: 'error', catches: '`tls.mode: off` with no tunnel in front', misses: '' },
  { id: 'project/internal-includes-tunnel', level: 'error', catches: 'an internal network containing where tunnel traffic arrives (loopback, 172.17.0.0/16 in 172.16.0.0/12)', misses: '' },
  { id: 'project/cors-wildcard', level: 'error', catches: '`ALLOWED_ORIGINS=*` in the app\'s `.env` beside `proxygen.yaml`', misses: 'origins set elsewhere' },
  { id: 'project/default-secret', level: 'error', catches: '`SESSION_SECRET` missing or a default, `ENCRYPTION_KEY` unset (seed 003\'s checklist; values never printed)', misses: '' },
  { id: 'nginx/syntax', level: 'error', catches: 'a file the nginx parser cannot read: unbalanced braces or quotes, a missing `;`', misses: 'directives nginx does not know (`nginx -t` reports those)' },
  { id: 'nginx/nginx-t', level: 'error', levels: 'error (warning for nginx\'s own warnings)', catches: 'what real `nginx -t` reports in the sandbox, mapped back to the file and line', misses: 'a file with `include`, `http`, `events` or `load_module` (not run, see `check/nginx-t-skipped`); failures only a running nginx meets (ports in use, upstreams down)' },
  { id: 'caddy/validate', level: 'error', catches: 'what real `caddy validate` reports, inside imported files too', misses: 'failures only a running Caddy meets (ACME, ports in use)' },
  { id: 'caddy/fmt', level: 'warning', catches: 'a Caddyfile `caddy fmt` would change, at the first differing line (Caddy 2.5 and later)', misses: 'imported files; an older Caddy does not say' },
  { id: 'cloudflared/validate', level: 'error', levels: 'error (warning for unused keys)', catches: 'what cloudflared\'s config decoding (yaml.v3 types, Go durations and booleans) and `tunnel ingress validate` reject, first error only as upstream, with upstream\'s wording: catch-all rules, hostnames (wildcards, ports), service URLs as Go\'s `url.Parse` reads them, `http_status:` codes, RE2 path regexes, socks-proxy `ipRules`, Access settings', misses: 'what only a running tunnel checks (credentials, DNS routes, origins answering)' },
  { id: 'ngrok/validate', level: 'error', levels: 'error (warning for the older `inbound`/`outbound` phases, mapping-shaped `actions`, an authtoken in the file)', catches: 'what `ngrok config check` rejects: the version, unknown keys (named after the agent\'s Go types), endpoint and upstream URLs (`8080`, `host:port`, `http(s)://`, `tcp://`, `tls://`, `file:///`), bindings, traffic-policy phases per protocol (HTTP phases only on HTTP endpoints)', misses: 'what the ngrok service checks when an endpoint starts (domain ownership, basic_auth passwords, policy expressions)' },
  { id: 'check/missing', level: 'error', catches: 'a file `proxygen render` would write that is not on disk', misses: '' },
  { id: 'check/drift', level: 'error', catches: 'a generated file that differs from a fresh render, with a short diff', misses: '' },
  { id: 'check/extra', level: 'error', catches: 'a file in the output directory the config does not produce', misses: 'files under `.proxygen/`, `*.bak`' },
  { id: 'check/allowlist-form', level: 'error', catches: 'an allowlist that is empty, unparseable or not in canonical CIDR form', misses: 'whether its addresses are current (`refresh-allowlist` decides)' },
  { id: 'check/validator-missing', level: 'warning', levels: 'warning (error with `--strict`)', catches: '`nginx` or `caddy` not installed where check runs, so a file was not validated', misses: '' },
  { id: 'check/not-validated', level: 'warning', levels: 'warning (error with `--strict`)', catches: 'a Caddyfile `import` that cannot be followed here (a missing file, a placeholder), so `caddy validate` did not run', misses: '' },
  { id: 'check/nginx-t-skipped', level: 'note', catches: 'a hand-written nginx file with `include`, `http`, `events` or `load_module`: linted, but not run through `nginx -t`', misses: '' },
  { id: 'check/upstream-unresolved', level: 'warning', catches: 'an upstream host name that does not resolve where check runs (`nginx -t` then checks the file with 127.0.0.1 in its place)', misses: 'whether it resolves where nginx runs' },
  { id: 'check/nginx-version', level: 'warning', levels: 'warning (error with `--strict`)', catches: 'a directive newer than the local nginx (`http2 on;` on 1.22), or a config for a newer `nginx.version`: `nginx -t` checks the rest without it', misses: '' },
  { id: 'capability/<target>', level: 'note', catches: 'what a target cannot enforce of the config (see "What a target cannot enforce")', misses: '' },
];

export const HELP_URI = 'https://github.com/proxygen/proxygen#checking-in-ci';

/** The documentation of a finding's rule; `capability/nginx` is documented as `capability/<target>`. */
export const ruleDoc = (id: string): RuleDoc | undefined => RULE_DOCS.find((doc) => doc.id === id || (doc.id.endsWith('/<target>') && id.startsWith(doc.id.slice(0, -'<target>'.length))));
