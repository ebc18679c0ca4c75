import ngrokTemplate from '../../templates/ngrok/ngrok.yml.hbs';
import policyPartial from '../../templates/ngrok/policy.hbs';
import { mergeHeaderOps, type HeaderOp } from '../plan/headers.js';
import type { Match } from '../plan/match.js';
import type { Plan, PlanRoute } from '../plan/plan.js';
import { earlierOverlapping } from '../plan/prefix-overlap.js';
import { SITE_UPSTREAM } from '../plan/upstreams.js';
import { headerLines, prefixedLines, type OutputFile } from './format.js';
import { partial, template } from './hbs.js';

partial('policy', policyPartial);
const render = template(ngrokTemplate);

export const ngrokFile = 'ngrok/ngrok.yml';

function celMatch(match: Match, regex: string): string {
  switch (match.kind) {
    case 'exact':
      return `req.url.path == '${match.path}'`;
    case 'prefix':
      return `req.url.path.startsWith('${match.path}')`;
    case 'segment':
      return `(req.url.path == '${match.path}' || req.url.path.startsWith('${match.path}/'))`;
    case 'glob':
      return `req.url.path.matches('${regex}')`;
  }
}

/** Two routes may match the same request when one's literal prefix (up to a `*`) starts the other's. */
const literalPrefix = (match: Match) => match.path.split('*')[0]!;

/**
 * Traffic-policy rules all run, in order; nginx runs only the most specific location. Each rule
 * therefore excludes the more specific (earlier) routes that could match the same request.
 */
function expressionFor(route: PlanRoute, shadows: PlanRoute[]): string {
  const own = celMatch(route.match, route.regex);
  return shadows.length ? `${own} && !(${shadows.map((other) => celMatch(other.match, other.regex)).join(' || ')})` : own;
}

// The policy sits under `traffic_policy:`; its allow list 12 spaces deeper.
const POLICY_INDENT = ' '.repeat(6);
const ALLOW_ITEM_INDENT = ' '.repeat(18);

/** Each route's expression as its rule matches it: its own match minus the more specific routes'. */
function effectiveExpressions(plan: Plan): string[] {
  const overlapping = earlierOverlapping(plan.routes.map((route) => literalPrefix(route.match)));
  return plan.routes.map((route, index) => expressionFor(route, overlapping[index]!.map((earlier) => plan.routes[earlier]!)));
}

const none = (expressions: string[]) => (expressions.length ? `!(${expressions.join(' || ')})` : null);

// ngrok's header actions take at most 10 names each; add-headers appends, so a name is removed first.
const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / 10) }, (_, i) => items.slice(i * 10, i * 10 + 10));
const headerActions = (ops: HeaderOp[]) => ({ removes: chunks(ops.map((op) => op.name)), adds: chunks(ops.filter((op) => op.value !== null)) });

/**
 * Straight to the app (no proxy in between), the endpoint sets the response headers and
 * compresses: the site's everywhere but on routes with their own list, never on WebSocket routes.
 */
function responseRulesFor(plan: Plan, expressions: string[]) {
  if (plan.tunnelIn) return [];
  const own = plan.routes.flatMap((route, index) => (route.headers.length && !route.internalOnly ? [{ route, expression: expressions[index]! }] : []));
  const websocket = plan.routes.flatMap((route, index) => (route.websocket ? [expressions[index]!] : []));
  return [
    ...(plan.compression ? [{ indent: POLICY_INDENT, name: 'compression', expression: none(websocket), compress: true, removes: [], adds: [] }] : []),
    ...(plan.siteHeaders.length ? [{ indent: POLICY_INDENT, name: 'headers', expression: none(own.map((o) => o.expression)), compress: false, ...headerActions(plan.siteHeaders) }] : []),
    ...own.map(({ route, expression }) => ({ indent: POLICY_INDENT, name: `headers ${route.match.path}`, expression, compress: false, ...headerActions(mergeHeaderOps(plan.siteHeaders, route.headers)) })),
  ];
}

/**
 * Straight to the app, the endpoint answers the redirects first (the action is terminating): the
 * whole URL is matched, so the origin and the query (group 2, kept) are carried over.
 */
function redirectRulesFor(plan: Plan) {
  if (plan.tunnelIn) return [];
  return plan.redirects.map((r) => ({
    indent: POLICY_INDENT,
    name: `redirect ${r.from}`,
    expression: `req.url.path == '${r.from}'`,
    redirect: { from: `^([a-z]+://[^/]+)${r.from.replaceAll('.', '[.]')}([?].*)?$`, to: `${r.to.startsWith('/') ? '$1' : ''}${r.to}$2`, status: r.status },
    deny: null,
    allow: null,
    rate: null,
  }));
}

function rulesFor(plan: Plan, expressions: string[]) {
  const cidrsOf = (route: PlanRoute) => {
    let cidrs = route.access?.cidrs ?? [];
    for (const name of route.access?.allowlists ?? []) cidrs = cidrs.concat(plan.allowlists.find((l) => l.name === name)?.cidrs ?? []);
    return cidrs;
  };
  return plan.routes.flatMap((route, index) => {
    // A password is checked by the proxy (via proxy), or by no one here: then only the allow
    // list admits, and a route with none is denied (ngrok's basic-auth needs plaintext passwords).
    const passwordByProxy = route.auth !== undefined && plan.tunnelIn !== null;
    // One endpoint forwards to one upstream: a route to another service is closed, not misdelivered.
    const elsewhere = route.upstream !== SITE_UPSTREAM && plan.tunnelIn === null;
    const deny = route.internalOnly || elsewhere || (route.auth && !route.access && !passwordByProxy) ? 404 : null;
    const restrict = route.access && !route.internalOnly && !passwordByProxy;
    if (!restrict && !route.rate && !deny) return [];
    // A 60 s window admits what nginx admits in a minute, or at least the burst at once.
    const perMinute = route.rate ? Math.max(route.rate.count * (route.rate.per === 's' ? 60 : 1), route.rate.burst + 1) : 0;
    return [
      {
        indent: POLICY_INDENT,
        name: `${route.internalOnly ? 'internal-only' : 'policy'} ${route.match.path}`,
        expression: expressions[index]!,
        redirect: null,
        deny,
        // Thousands of CIDRs: joined here, since a Handlebars #each costs microseconds per item.
        allow: restrict ? prefixedLines(cidrsOf(route), `${ALLOW_ITEM_INDENT}- `) : null,
        rate: route.rate && !route.internalOnly ? { name: `${plan.slug}_${route.id}`, capacity: perMinute } : null,
      },
    ];
  });
}

export function renderNgrok(plan: Plan): OutputFile[] {
  const version = plan.tunnel.ngrok.version;
  const expressions = effectiveExpressions(plan);
  const content = render({
    header: [...headerLines(plan, `ngrok agent v${version} config for ${plan.domain}`), 'Check with: ngrok config check --config ngrok.yml'],
    v3: version === 3,
    name: plan.slug.replaceAll('_', '-'),
    domain: plan.tunnel.ngrok.domain,
    upstream: plan.tunnelIn?.url ?? plan.upstream.url,
    indent: POLICY_INDENT,
    rules: [...redirectRulesFor(plan), ...rulesFor(plan, expressions)],
    responseRules: responseRulesFor(plan, expressions),
  });
  return [{ path: ngrokFile, content, mode: 0o644 }];
}
