import ngrokTemplate from '../../templates/ngrok/ngrok.yml.hbs';
import policyPartial from '../../templates/ngrok/policy.hbs';
import type { Match } from '../plan/match.js';
import type { Plan, PlanRoute } from '../plan/plan.js';
import { earlierOverlapping } from '../plan/prefix-overlap.js';
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

function rulesFor(plan: Plan) {
  const cidrsOf = (route: PlanRoute) => {
    let cidrs = route.access?.cidrs ?? [];
    for (const name of route.access?.allowlists ?? []) cidrs = cidrs.concat(plan.allowlists.find((l) => l.name === name)?.cidrs ?? []);
    return cidrs;
  };
  const overlapping = earlierOverlapping(plan.routes.map((route) => literalPrefix(route.match)));
  return plan.routes.flatMap((route, index) => {
    if (!route.access && !route.rate) return [];
    // A 60 s window admits what nginx admits in a minute, or at least the burst at once.
    const perMinute = route.rate ? Math.max(route.rate.count * (route.rate.per === 's' ? 60 : 1), route.rate.burst + 1) : 0;
    return [
      {
        indent: POLICY_INDENT,
        name: `${route.internalOnly ? 'internal-only' : 'policy'} ${route.match.path}`,
        expression: expressionFor(route, overlapping[index]!.map((earlier) => plan.routes[earlier]!)),
        deny: route.internalOnly ? 404 : null,
        // Thousands of CIDRs: joined here, since a Handlebars #each costs microseconds per item.
        allow: route.access && !route.internalOnly ? prefixedLines(cidrsOf(route), `${ALLOW_ITEM_INDENT}- `) : null,
        rate: route.rate && !route.internalOnly ? { name: `${plan.slug}_${route.id}`, capacity: perMinute } : null,
      },
    ];
  });
}

export function renderNgrok(plan: Plan): OutputFile[] {
  const version = plan.tunnel.ngrok.version;
  const content = render({
    header: [...headerLines(plan, `ngrok agent v${version} config for ${plan.domain}`), 'Check with: ngrok config check --config ngrok.yml'],
    v3: version === 3,
    name: plan.slug.replaceAll('_', '-'),
    domain: plan.tunnel.ngrok.domain,
    upstream: plan.tunnelIn?.url ?? plan.upstream.url,
    indent: POLICY_INDENT,
    rules: rulesFor(plan),
  });
  return [{ path: ngrokFile, content, mode: 0o644 }];
}
