import type { Finding } from './finding.js';
import { buildContext, effective, type Location, type Rule } from './nginx-context.js';
import { INJECTION_RULES } from './nginx-injection-rules.js';
import { directives, type Directive } from './nginx-parse.js';

const headerSet = (list: Directive[], header: string) => list.find((d) => d.args[0]?.toLowerCase() === header.toLowerCase());
const seconds = (value: string | undefined): number => {
  if (!value) return 60;
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!match) return 60;
  return Number(match[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] ?? 's'] ?? 1);
};
const proxies = (l: Location) => directives(l.node.block, 'proxy_pass').length > 0;
const isWebSocket = (l: Location, tree: Directive[]) => !!headerSet(effective(l, tree, 'proxy_set_header'), 'Upgrade') || /(^|\/)(ws|wss|websocket|socket|cable)(\/|$)/i.test(l.path);
const SECURITY_HEADERS = ['x-frame-options', 'x-content-type-options', 'content-security-policy', 'strict-transport-security', 'referrer-policy'];
// A path segment (or regex alternative) naming a metrics/status page or a liveness endpoint.
const METRICS_PATH = /(^|[/|(^])(metrics|status|nginx_status|stub_status)([/$|)]|$)/i;
// The name must end the path: `/api/live/` (Grafana's WebSocket tree) is a directory, not a probe.
const HEALTH_PATH = /(^|[/|(^])(health|healthz|ready|readyz|live|livez)([$|)]|$)/i;
const open = (l: Location, tree: Directive[]) => effective(l, tree, 'deny').length === 0 && effective(l, tree, 'allow').length === 0;

export const NGINX_RULES: Rule[] = [
  {
    id: 'nginx/websocket-headers',
    severity: 'error',
    check: ({ tree, locations }) =>
      locations.filter((l) => proxies(l) && isWebSocket(l, tree)).flatMap((l) => {
        const headers = effective(l, tree, 'proxy_set_header');
        const missing = [
          effective(l, tree, 'proxy_http_version')[0]?.args[0] === '1.1' ? null : 'proxy_http_version 1.1',
          headerSet(headers, 'Upgrade') ? null : 'proxy_set_header Upgrade $http_upgrade',
          /upgrade|\$/.test(headerSet(headers, 'Connection')?.args[1] ?? '') ? null : 'proxy_set_header Connection "upgrade" (or a map of $http_upgrade)',
        ].filter(Boolean);
        return missing.length ? [{ line: l.node.line, message: `WebSocket location ${l.path} does not forward the upgrade: missing ${missing.join(', ')}`, fix: `add ${missing.join('; ')};` }] : [];
      }),
  },
  {
    id: 'nginx/websocket-timeout',
    severity: 'warning',
    check: ({ tree, locations }) =>
      locations.filter((l) => proxies(l) && isWebSocket(l, tree)).flatMap((l) => {
        const timeout = seconds(effective(l, tree, 'proxy_read_timeout')[0]?.args[0]);
        return timeout <= 60 ? [{ line: l.node.line, message: `WebSocket location ${l.path} closes idle sockets after ${timeout}s (nginx's default is 60s)`, fix: 'set proxy_read_timeout and proxy_send_timeout above the heartbeat interval, e.g. 3600s' }] : [];
      }),
  },
  {
    id: 'nginx/internal-open',
    severity: 'error',
    check: ({ tree, locations }) =>
      locations.filter((l) => METRICS_PATH.test(l.path) && open(l, tree)).map((l) => ({
        line: l.node.line,
        message: `${l.path} is reachable from anywhere (metrics and status pages leak internals)`,
        fix: 'add allow <internal CIDRs>; deny all; (or proxygen networks: + allow:)',
      })),
  },
  {
    // A public liveness answer is often deliberate (an external uptime check; PipeGate documents
    // /healthz as unauthenticated), so a warning; metrics and status pages above are errors.
    id: 'nginx/health-open',
    severity: 'warning',
    check: ({ tree, locations }) =>
      locations.filter((l) => HEALTH_PATH.test(l.path) && !METRICS_PATH.test(l.path) && !isWebSocket(l, tree) && open(l, tree)).map((l) => ({
        line: l.node.line,
        message: `${l.path} is reachable from anywhere (fine for an external uptime check; otherwise restrict it)`,
        fix: 'add allow <internal CIDRs>; deny all; (or proxygen networks: + allow:), or keep it public on purpose',
      })),
  },
  {
    id: 'nginx/webhook-rate-limit',
    severity: 'warning',
    check: ({ tree, locations }) =>
      locations.filter((l) => /webhook|hooks?(\/|$)/i.test(l.path) && proxies(l) && effective(l, tree, 'limit_req').length === 0).map((l) => ({
        line: l.node.line,
        message: `webhook location ${l.path} has no rate limit`,
        fix: 'add limit_req zone=<zone> burst=<n> nodelay; with a limit_req_zone in the http context',
      })),
  },
  {
    id: 'nginx/add-header-dropped',
    severity: 'warning',
    // Every block that can hold add_header, `if` included: a matching `if` replaces the lot.
    check: ({ tree, placed }) => {
      // Each block's own add_header lines, looked up once: a server can hold thousands of locations.
      const headers = new Map<Directive[] | undefined, Directive[]>();
      const headersIn = (block: Directive[] | undefined) => headers.get(block) ?? headers.set(block, directives(block, 'add_header')).get(block)!;
      return ['http', 'server', 'location', 'if'].flatMap(placed).flatMap((at) => {
        const own = headersIn(at.node.block);
        if (!own.length) return [];
        const parent = [...at.parents].reverse().map((p) => headersIn(p.block)).find((list) => list.length) ?? headersIn(tree);
        const names = new Set(own.map((d) => d.args[0]?.toLowerCase()));
        const dropped = parent.map((d) => d.args[0]?.toLowerCase() ?? '').filter((name) => !names.has(name));
        if (!dropped.length || effective(at, tree, 'add_header_inherit')[0]?.args[0] === 'merge') return [];
        const security = dropped.some((name) => SECURITY_HEADERS.includes(name));
        const where = at.node.name === 'location' ? at.node.args.join(' ') : `${at.node.name} ${at.node.args.join(' ')}`.trim();
        return [{ line: own[0]!.line, severity: security ? ('error' as const) : ('warning' as const), message: `add_header in ${where} drops the inherited ${dropped.join(', ')} (nginx inherits add_header only when a block sets none)`, fix: 'repeat the outer add_header lines in this block (nginx 1.29.3+: add_header_inherit merge;)' }];
      });
    },
  },
  {
    id: 'nginx/tls-protocols',
    severity: 'error',
    check: ({ named }) =>
      named('ssl_protocols').flatMap((d) => {
        const weak = d.args.filter((p) => /^(SSLv2|SSLv3|TLSv1|TLSv1\.1)$/.test(p));
        return weak.length ? [{ line: d.line, message: `ssl_protocols allows ${weak.join(', ')} (below TLS 1.2)`, fix: 'ssl_protocols TLSv1.2 TLSv1.3;' }] : [];
      }),
  },
  {
    id: 'nginx/ocsp-stapling',
    severity: 'warning',
    check: ({ named }) =>
      named('ssl_stapling').filter((d) => d.args[0] === 'on').map((d) => ({ line: d.line, message: 'ssl_stapling on: Let\'s Encrypt certificates carry no OCSP responder since 2025, so stapling only logs errors', fix: 'ssl_stapling off;' })),
  },
  {
    id: 'nginx/alias-traversal',
    severity: 'error',
    check: ({ locations }) =>
      locations.filter((l) => (l.modifier === '' || l.modifier === '^~') && !l.path.endsWith('/')).flatMap((l) =>
        directives(l.node.block, 'alias').map((d) => ({ line: d.line, message: `alias in location ${l.path} (no trailing "/") allows ${l.path}../ path traversal`, fix: `use location ${l.path}/ or make alias end without "/" consistently` })),
      ),
  },
  {
    id: 'nginx/allow-without-deny',
    severity: 'error',
    check: ({ blocks }) =>
      blocks.flatMap((block) => {
        const allows = directives(block, 'allow').filter((d) => d.args[0] !== 'all');
        return allows.length && !directives(block, 'deny').length && !directives(block, 'include').length ? [{ line: allows[0]!.line, message: 'allow without deny: everyone else is still allowed', fix: 'add deny all; after the allow lines' }] : [];
      }),
  },
  {
    id: 'nginx/server-tokens',
    severity: 'note',
    check: ({ named }) => named('server_tokens').filter((d) => d.args[0] !== 'off').map((d) => ({ line: d.line, message: 'server_tokens discloses the nginx version', fix: 'server_tokens off;' })),
  },
];

export function lintNginx(file: string, tree: Directive[]): Finding[] {
  const ctx = buildContext(file, tree);
  return [...NGINX_RULES, ...INJECTION_RULES].flatMap((rule) => rule.check(ctx).map((hit) => ({ rule: rule.id, severity: hit.severity ?? rule.severity, file, line: hit.line, message: hit.message, fix: hit.fix })));
}
