import { classify, matchKeys } from '../plan/match.js';
import ipaddr from 'ipaddr.js';
import { PRESETS, type PresetValues } from '../presets/index.js';
import { configError, type ConfigIssue, type ConfigSource } from './load.js';
import type { KeyPath } from './locate.js';
import type { Install } from './install-schema.js';
import { routingIssues } from './routing-checks.js';
import { splitListen } from './values.js';
import { CLOUDFLARE_IPS_SECTIONS, isSetName, TARGET_NAMES, type AllowlistSource, type ConfigFile, type PresetName, type RouteInput, type TargetName } from './schema.js';

/** A route after presets are applied, with where it came from for error messages. */
export interface SourcedRoute extends RouteInput {
  at: KeyPath | null;
}

export interface Config {
  preset: PresetName;
  domain: string;
  /** A URL or a name under upstreams. */
  upstream: string;
  upstreams: NonNullable<ConfigFile['upstreams']>;
  ports: { http: number; https: number; tunnel: number };
  /** The address each listener is bound to (`ports: { https: 127.0.0.1:8443 }`), null for all. */
  bind: { http: string | null; https: string | null };
  tls: { mode: 'acme' | 'files' | 'off'; email?: string; cert?: string; key?: string; profile: 'modern' | 'intermediate'; hsts: boolean };
  headers: { security: boolean; set?: Record<string, string>; remove?: string[] };
  limits: { body: string; rate_status: number };
  compression: boolean;
  redirects: { from: string; to: string; status: 301 | 302 | 307 | 308 }[];
  www: 'redirect' | 'none';
  networks: Record<string, string[]>;
  allowlists: Record<string, { source: AllowlistSource; sections: string[] }>;
  routes: SourcedRoute[];
  tunnel: { provider: 'cloudflare' | 'ngrok' | 'none'; via: 'proxy' | 'app'; from: string[]; cloudflare: { tunnel: string; credentials_file: string }; ngrok: { version: 2 | 3; domain: string } };
  firewall?: { allow: number[]; deny: number[] };
  trusted_proxies?: NonNullable<ConfigFile['trusted_proxies']>;
  targets: TargetName[];
  output: string;
  reload_command?: string;
  nginx: { version: string; ipv6: boolean; allowlist_dir: string };
  caddy: { version: string };
  install: Install;
}

export const routePaths = (route: RouteInput): string[] => route.paths ?? [route.path!];

export const routeKeys = (route: RouteInput): string[] => routePaths(route).flatMap((path) => matchKeys(classify(path, route.exact)));

/** File routes replace preset routes with the same path(s); the rest of the preset's stay. */
function mergeRoutes(preset: RouteInput[], file: RouteInput[] | undefined): SourcedRoute[] {
  const own: SourcedRoute[] = (file ?? []).map((route, index) => ({ ...route, at: ['routes', index] }));
  const taken = new Set(own.flatMap(routeKeys));
  const kept = preset.filter((route) => !routeKeys(route).some((key) => taken.has(key)));
  return [...own, ...kept.map((route) => ({ ...route, at: null }))];
}

interface Listen {
  port: number;
  address: string | null;
}

const listenOf = (value: number | string): Listen => (typeof value === 'number' ? { port: value, address: null } : splitListen(value)!);

const portOf = (url: string) => {
  const parsed = new URL(url);
  return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
};

/**
 * A preset's firewall names its defaults (80/443 open, the app's port closed): they follow the
 * site's own `ports` and upstream port. Lists written in the file are taken as written.
 */
function firewallFor(file: ConfigFile, preset: PresetValues, upstream: string | undefined, listens: Record<'http' | 'https', Listen>, tlsOn: boolean): Config['firewall'] {
  if (!file.firewall && !preset.firewall) return undefined;
  const appPort = (url: string | undefined) => (url ? portOf(url) : undefined);
  const presetApp = appPort(preset.upstream);
  // A listener bound to loopback is not for the outside: no hole for it.
  const open = (['http', 'https'] as const).filter((key) => (key === 'http' || tlsOn) && !(listens[key].address && ipaddr.parse(listens[key].address!).range() === 'loopback'));
  const allow = file.firewall?.allow ?? (preset.firewall ? open.map((key) => listens[key].port) : []);
  const deny = file.firewall?.deny ?? [...new Set([appPort(upstream), ...(preset.firewall?.deny ?? []).filter((port) => port !== presetApp)].filter((port): port is number => port !== undefined))];
  return { allow, deny };
}

function firstLabel(domain: string): string {
  return domain.split('.')[0]!;
}

/** Cloudflare's ranges come in both families unless the file names one. */
function withSections(lists: NonNullable<ConfigFile['allowlists']>): Config['allowlists'] {
  return Object.fromEntries(Object.entries(lists).map(([name, list]) => [name, { source: list.source, sections: list.sections ?? [...CLOUDFLARE_IPS_SECTIONS] }]));
}

export function resolveConfig(file: ConfigFile, source: ConfigSource): Config {
  const presetName = file.preset ?? 'none';
  const preset = presetName === 'none' ? {} : PRESETS[presetName].values;
  const issues: ConfigIssue[] = [];
  const upstream = file.upstream ?? preset.upstream;
  if (!upstream) issues.push({ path: ['upstream'], message: 'missing: set upstream (e.g. http://127.0.0.1:8080) or choose a preset' });
  const tlsIn = { ...preset.tls, ...file.tls };
  const tunnelName = file.tunnel?.cloudflare?.tunnel ?? firstLabel(file.domain);
  const given = { http: 80, https: 443, tunnel: 8088, ...preset.ports, ...file.ports };
  const listens = { http: listenOf(given.http), https: listenOf(given.https) };
  const targets = file.targets ?? [...TARGET_NAMES];
  const config: Config = {
    preset: presetName,
    domain: file.domain,
    upstream: upstream ?? 'http://127.0.0.1:1',
    upstreams: { ...preset.upstreams, ...file.upstreams },
    ports: { http: listens.http.port, https: listens.https.port, tunnel: given.tunnel },
    bind: { http: listens.http.address, https: listens.https.address },
    tls: { mode: 'acme', profile: 'intermediate', hsts: true, ...tlsIn },
    headers: { security: true, ...preset.headers, ...file.headers },
    limits: { body: '10m', rate_status: 429, ...preset.limits, ...file.limits },
    compression: file.compression ?? preset.compression ?? false,
    redirects: (file.redirects ?? preset.redirects ?? []).map((r) => ({ ...r, status: r.status ?? 301 })),
    www: file.www ?? preset.www ?? 'none',
    networks: { ...preset.networks, ...file.networks },
    allowlists: withSections({ ...preset.allowlists, ...file.allowlists }),
    routes: mergeRoutes(preset.routes ?? [], file.routes),
    tunnel: {
      provider: file.tunnel?.provider ?? 'none',
      via: file.tunnel?.via ?? (targets.some((t) => t === 'nginx' || t === 'caddy') ? 'proxy' : 'app'),
      from: file.tunnel?.from ?? ['127.0.0.1/32', '::1/128'],
      cloudflare: { tunnel: tunnelName, credentials_file: file.tunnel?.cloudflare?.credentials_file ?? `/etc/cloudflared/${tunnelName}.json` },
      ngrok: { version: file.tunnel?.ngrok?.version ?? 3, domain: file.tunnel?.ngrok?.domain ?? file.domain },
    },
    firewall: firewallFor(file, preset, upstream, listens, { ...preset.tls, ...file.tls }.mode !== 'off'),
    trusted_proxies: file.trusted_proxies,
    targets,
    output: file.output ?? 'deploy/proxy',
    reload_command: file.reload_command,
    nginx: { version: '1.22', ipv6: true, allowlist_dir: 'proxygen/allowlists', ...file.nginx },
    caddy: { version: '2.6', ...file.caddy },
    install: file.install ?? {},
  };
  issues.push(...crossFieldIssues(config, file));
  if (issues.length > 0) throw configError(source, issues);
  return config;
}

function crossFieldIssues(config: Config, file: ConfigFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const presetNote = (at: KeyPath | null) => (at ? '' : ` (in preset ${config.preset}; override the route in routes:)`);
  if (config.tls.mode === 'files') {
    for (const key of ['cert', 'key'] as const) {
      if (!config.tls[key]) issues.push({ path: ['tls', key], message: `tls.mode files needs tls.${key} (an absolute path)` });
    }
  }
  if (config.ports.http === config.ports.https && config.tls.mode !== 'off') {
    issues.push({ path: ['ports', 'https'], message: 'ports.http and ports.https must differ' });
  }
  if (config.targets.includes('caddy') && config.tls.mode !== 'off' && config.bind.http !== config.bind.https) {
    issues.push({ path: ['ports'], message: 'Caddy binds one address for all its ports: give ports.http and ports.https the same address, or none' });
  }
  for (const name of Object.keys(config.networks)) {
    if (Object.hasOwn(config.allowlists, name)) issues.push({ path: ['allowlists', name], message: `"${name}" is also a network; names must be unique across networks and allowlists` });
  }
  const seen = new Map<string, KeyPath | null>();
  config.routes.forEach((route) => {
    for (const key of routeKeys(route)) {
      if (seen.has(key)) issues.push({ path: route.at ?? ['preset'], message: `another route already matches ${key.replace(/^[=~]/, '')}${presetNote(route.at)}; merge the two entries` });
      seen.set(key, route.at);
    }
    (route.allow ?? []).forEach((name, index) => {
      if (!Object.hasOwn(config.networks, name) && !Object.hasOwn(config.allowlists, name)) {
        const known = [...Object.keys(config.networks), ...Object.keys(config.allowlists)].join(', ') || 'none defined';
        issues.push({ path: route.at ? [...route.at, 'allow', index] : ['preset'], message: `unknown set "${name}"; define it under networks: or allowlists: (known: ${known})` });
      }
    });
    if (route.burst !== undefined && route.rate === undefined) {
      issues.push({ path: route.at ? [...route.at, 'burst'] : ['preset'], message: 'burst needs rate on the same route (e.g. rate: 10/s)' });
    }
  });
  issues.push(...routingIssues(config, new Set(config.routes.flatMap(routeKeys))));
  if (file.tunnel?.via === 'proxy' && !config.targets.some((t) => t === 'nginx' || t === 'caddy')) {
    issues.push({ path: ['tunnel', 'via'], message: 'tunnel.via proxy needs nginx or caddy in targets' });
  }
  for (const port of ['http', 'https'] as const) {
    if (config.tunnel.provider !== 'none' && config.tunnel.via === 'proxy' && config.ports.tunnel === config.ports[port]) {
      issues.push({ path: ['ports', 'tunnel'], message: `ports.tunnel must differ from ports.${port}` });
    }
  }
  (config.trusted_proxies?.from ?? []).forEach((entry, index) => {
    if (isSetName(entry) && !Object.hasOwn(config.networks, entry) && !Object.hasOwn(config.allowlists, entry)) {
      issues.push({ path: ['trusted_proxies', 'from', index], message: `unknown set "${entry}"; define it under networks: or allowlists:` });
    }
  });
  const tunnelHeader = config.tunnel.provider === 'cloudflare' ? 'CF-Connecting-IP' : 'X-Forwarded-For';
  if (config.trusted_proxies && config.tunnel.provider !== 'none' && config.tunnel.via === 'proxy' && config.trusted_proxies.header !== tunnelHeader) {
    issues.push({ path: ['trusted_proxies', 'header'], message: `the tunnel delivers the visitor's address in ${tunnelHeader}, and nginx reads one header per site; use ${tunnelHeader} here or tunnel.via: app` });
  }
  if (file.tunnel?.provider === 'none' && file.targets?.some((t) => t === 'cloudflared' || t === 'ngrok')) {
    issues.push({ path: ['targets'], message: 'tunnel.provider is none but a tunnel target is listed; drop it from targets or set tunnel.provider' });
  }
  return issues;
}

