import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { installSchema } from './install-schema.js';
import * as v from './values.js';

// zod/mini loads no locale of its own: English messages are configured here.
z.config(en());

export const PRESET_NAMES = ['pilot', 'pilot-app', 'pipelit', 'pipegate', 'none'] as const;
// The sections the bundled snapshot carries, so render can always seed a list offline.
export const GITHUB_META_SECTIONS = ['hooks', 'web', 'api', 'git', 'actions', 'pages', 'packages'] as const;
export const CLOUDFLARE_IPS_SECTIONS = ['ipv4_cidrs', 'ipv6_cidrs'] as const;
export const ALLOWLIST_SOURCE_NAMES = ['github-meta', 'cloudflare-ips'] as const;
export const TARGET_NAMES = ['nginx', 'caddy', 'cloudflared', 'ngrok'] as const;

const opt = z.optional;

// Metadata goes to the registry in place: `.check(z.meta())` would clone the schema first.
function described<T extends z.ZodMiniType>(schema: T, meta: { description: string; examples?: unknown[] }): T {
  z.globalRegistry.add(schema as z.ZodMiniType, meta);
  return schema;
}

const headerChanges = {
  set: described(opt(z.record(v.headerName, v.headerValue)), {
    description: 'response headers the proxy sets, one value each, replacing what the app sent',
    examples: [{ 'Content-Security-Policy': "default-src 'self'", 'Permissions-Policy': 'camera=(), microphone=()' }],
  }),
  remove: described(opt(z.array(v.headerName).check(z.minLength(1), z.maxLength(32))), { description: 'response headers the app sent that the proxy drops', examples: [['X-Powered-By', 'Server']] }),
};

const auth = z.strictObject({
  basic: described(v.absoluteFile, { description: 'htpasswd file (bcrypt entries) nginx reads; never copied into the outputs', examples: ['/etc/nginx/htpasswd/metrics'] }),
  caddy_file: described(opt(v.absoluteFile), {
    description: 'for Caddy: a file the operator keeps of "user <bcrypt hash>" lines (caddy hash-password), imported by the Caddyfile; without it Caddy refuses the route with 401',
    examples: ['/etc/caddy/metrics.users'],
  }),
});

const route = z
  .strictObject({
    path: opt(v.urlPath),
    paths: opt(z.array(v.urlPath).check(z.minLength(1), z.maxLength(64))),
    exact: described(opt(z.boolean()), { description: 'match the path exactly instead of as a prefix' }),
    websocket: opt(z.boolean()),
    timeout: described(opt(v.duration), { description: 'upstream read/send timeout (idle time between two reads)' }),
    body: described(opt(v.size), { description: 'request body limit for this route' }),
    rate: described(opt(v.rate), { description: 'per-client request rate, e.g. 10/s' }),
    burst: opt(z.int().check(z.minimum(0), z.maximum(100000))),
    allow: described(opt(z.array(v.name).check(z.minLength(1), z.maxLength(32))), { description: 'names from networks or allowlists; everyone else gets 403' }),
    upstream: described(opt(v.upstreamRef), { description: "where this route goes instead of the site's upstream: a URL or a name under upstreams:" }),
    auth: described(opt(auth), { description: 'HTTP basic authentication; with allow, either one admits (a listed address needs no password)' }),
    headers: described(opt(z.strictObject(headerChanges)), { description: "this route's response headers, on top of the site's (a name set here replaces the site's value)" }),
  })
  .check(z.refine((r) => (r.path === undefined) !== (r.paths === undefined), { message: 'give either path or paths, not both and not neither' }));

const upstreamSet = z.strictObject({
  servers: described(z.array(v.upstreamUrl).check(z.minLength(1), z.maxLength(64)), { description: 'one or more servers of one scheme, taken in turn (round robin)' }),
  max_fails: described(opt(z.int().check(z.minimum(1), z.maximum(100))), { description: 'failed attempts within fail_timeout that take a server out for fail_timeout (default 1)' }),
  fail_timeout: described(opt(v.duration), { description: 'the window for max_fails and how long a failed server is left out (default 10s)' }),
});

const redirect = z.strictObject({
  from: described(v.urlPath, { description: 'the exact path redirected (no "*"); its query is kept', examples: ['/old/'] }),
  to: v.redirectTarget,
  status: described(opt(z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)])), { description: '301 (default), 302, 307 or 308', examples: [301] }),
});

const tls = z.strictObject({
  mode: opt(z.enum(['acme', 'files', 'off'])),
  email: opt(v.email),
  cert: opt(v.absoluteFile),
  key: opt(v.absoluteFile),
  profile: opt(z.enum(['modern', 'intermediate'])),
  hsts: opt(z.boolean()),
});

const allowlist = described(
  z
    .strictObject({
      source: z.enum(ALLOWLIST_SOURCE_NAMES),
      sections: opt(z.array(z.enum([...GITHUB_META_SECTIONS, ...CLOUDFLARE_IPS_SECTIONS])).check(z.minLength(1))),
    })
    .check(
      z.superRefine((list, ctx) => {
        const own: readonly string[] = list.source === 'github-meta' ? GITHUB_META_SECTIONS : CLOUDFLARE_IPS_SECTIONS;
        if (list.source === 'github-meta' && list.sections === undefined) ctx.addIssue({ code: 'custom', path: ['sections'], message: `github-meta needs sections, e.g. [hooks] (one of ${GITHUB_META_SECTIONS.join(', ')})` });
        list.sections?.forEach((section, index) => {
          if (!own.includes(section)) ctx.addIssue({ code: 'custom', path: ['sections', index], message: `"${section}" is not a section of ${list.source} (${own.join(', ')})` });
        });
      }),
    ),
  { description: "ranges kept fresh by refresh-allowlist: GitHub's meta API (sections required) or Cloudflare's published ranges (both families unless sections say)" },
);

const tunnel = z.strictObject({
  provider: opt(z.enum(['cloudflare', 'ngrok', 'none'])),
  cloudflare: opt(z.strictObject({ tunnel: opt(v.tunnelName), credentials_file: opt(v.absoluteFile) })),
  ngrok: described(opt(z.strictObject({ version: opt(z.union([z.literal(2), z.literal(3)])), domain: opt(v.hostName) })), {
    description: 'the authtoken is never written; the agent reads NGROK_AUTHTOKEN',
  }),
  via: described(opt(z.enum(['proxy', 'app'])), {
    description: "where the tunnel delivers: the proxy's loopback listener (ports.tunnel; default when nginx or caddy is a target), or straight to the upstream",
  }),
  from: described(opt(z.array(v.cidr).check(z.minLength(1), z.maxLength(16))), {
    description: "addresses the tunnel agent connects from (default loopback); only from these is the visitor's address read from the tunnel's header",
  }),
});

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
export const isSetName = (entry: string) => NAME.test(entry);

/** A name (of networks: or allowlists:) or a CIDR; a name never contains ":" or starts with a digit. */
function cidrOrName(value: string, ctx: z.core.$RefinementCtx<string>): void {
  if (NAME.test(value)) return;
  const result = v.cidr.safeParse(value);
  if (!result.success) ctx.addIssue({ code: 'custom', message: `${result.error.issues[0]!.message} (or a name from networks: or allowlists:)` });
}

export const CLIENT_ADDRESS_HEADER_NAMES = ['CF-Connecting-IP', 'X-Forwarded-For', 'X-Real-IP', 'True-Client-IP'] as const;

const trustedProxies = z.strictObject({
  from: described(z.array(z.string().check(z.superRefine(cidrOrName))).check(z.minLength(1), z.maxLength(256)), {
    description: 'CIDRs, or names under networks: or allowlists:, of the CDN or load balancer in front',
  }),
  header: described(z.enum(CLIENT_ADDRESS_HEADER_NAMES), { description: "where those proxies put the client's address" }),
});

// No `..`: a relative directory stays inside the project (or nginx's prefix); an absolute one is
// written as meant, but never the root itself.
const directory = (message: string) =>
  z.string().check(
    z.regex(/^[A-Za-z0-9._/-]{1,1024}$/, message),
    z.refine((value) => !value.split('/').includes('..'), '".." is not allowed: write the directory inside the project, or an absolute path'),
    z.refine((value) => value.replace(/\/+$/, '') !== '', 'the root directory "/" is not an output directory'),
    z.refine((value) => value.split('/').every((segment) => segment.length <= 255), 'a path segment is longer than 255 characters'),
  );

/** The file as the user writes it: everything but `domain` may come from a preset or a default. */
export const configFileSchema = z
  .strictObject({
    $schema: opt(z.string()),
    version: opt(z.literal(1)),
    preset: opt(z.enum(PRESET_NAMES)),
    domain: v.hostName,
    upstream: opt(v.upstreamRef),
    upstreams: described(opt(z.record(v.name, upstreamSet)), {
      description: 'named upstreams for upstream: and routes[].upstream; several servers are balanced round robin with passive failure detection',
      examples: [{ gateway: { servers: ['http://127.0.0.1:9090'] }, app: { servers: ['http://10.0.0.5:3100', 'http://10.0.0.6:3100'], max_fails: 3, fail_timeout: '30s' } }],
    }),
    ports: described(opt(z.strictObject({ http: opt(v.listen), https: opt(v.listen), tunnel: described(opt(v.port), { description: 'loopback port the proxy listens on for the tunnel (tunnel.via: proxy); default 8088' }) })), { description: 'where nginx/Caddy listen: a port, or an address and port to listen on that address alone' }),
    tls: opt(tls),
    headers: opt(z.strictObject({ security: described(opt(z.boolean()), { description: 'nosniff, X-Frame-Options SAMEORIGIN, Referrer-Policy no-referrer, HSTS on TLS' }), ...headerChanges })),
    redirects: described(opt(z.array(redirect).check(z.maxLength(256))), {
      description: 'exact paths answered with a redirect before any route',
      examples: [[{ from: '/old/', to: '/new/', status: 301 }]],
    }),
    www: described(opt(z.enum(['redirect', 'none'])), {
      description: 'redirect: the other name (www.<domain>, or the apex when domain starts with www.) answers 301 to domain; default none',
      examples: ['redirect'],
    }),
    compression: described(opt(z.boolean()), { description: 'compress text answers (nginx gzip; Caddy zstd or gzip); never on WebSocket routes', examples: [true] }),
    limits: opt(z.strictObject({ body: opt(v.size), rate_status: opt(z.int().check(z.minimum(400), z.maximum(599))) })),
    networks: opt(z.record(v.name, z.array(v.cidr).check(z.minLength(1), z.maxLength(4096)))),
    allowlists: opt(z.record(v.name, allowlist)),
    routes: opt(z.array(route).check(z.maxLength(20000))),
    tunnel: opt(tunnel),
    trusted_proxies: described(opt(trustedProxies), { description: "the client's address is read from header only when the connection comes from one of these" }),
    firewall: described(opt(z.strictObject({ allow: opt(z.array(v.port)), deny: opt(z.array(v.port)) })), {
      description: 'render firewall/ufw.sh: allow these ports, deny direct access to these',
    }),
    targets: opt(z.array(z.enum(TARGET_NAMES)).check(z.minLength(1))),
    output: opt(directory('expected a relative or absolute directory of A-Z a-z 0-9 . _ - /')),
    reload_command: opt(v.shellCommand),
    nginx: opt(
      z.strictObject({
        version: opt(v.version),
        ipv6: described(opt(z.boolean()), { description: 'also listen on [::]' }),
        allowlist_dir: opt(directory('expected a directory of A-Z a-z 0-9 . _ - /')),
      }),
    ),
    caddy: opt(z.strictObject({ version: opt(v.version) })),
    install: described(opt(installSchema), { description: 'where `proxygen apply` installs the files on this host, and the test and reload commands (defaults: Debian/Ubuntu)' }),
  })
  .register(z.globalRegistry, { title: 'proxygen.yaml', description: 'One site: reverse proxy and tunnel configuration rendered by proxygen' });

export type ConfigFile = z.infer<typeof configFileSchema>;
export type RouteInput = z.infer<typeof route>;
export type TargetName = (typeof TARGET_NAMES)[number];
export type PresetName = (typeof PRESET_NAMES)[number];
export type AllowlistSource = (typeof ALLOWLIST_SOURCE_NAMES)[number];
