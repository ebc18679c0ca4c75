import * as z from 'zod';
import * as v from './values.js';

// One parse per process: zod's JIT-compiled object parsers cost more to build than they save.
z.config({ jitless: true });

export const PRESET_NAMES = ['pilot', 'pilot-app', 'pipelit', 'pipegate', 'none'] as const;
// The sections the bundled snapshot carries, so render can always seed a list offline.
export const GITHUB_META_SECTIONS = ['hooks', 'web', 'api', 'git', 'actions', 'pages', 'packages'] as const;
export const TARGET_NAMES = ['nginx', 'caddy', 'cloudflared', 'ngrok'] as const;

const route = z
  .strictObject({
    path: v.urlPath.optional(),
    paths: z.array(v.urlPath).min(1).max(64).optional(),
    exact: z.boolean().optional().meta({ description: 'match the path exactly instead of as a prefix' }),
    websocket: z.boolean().optional(),
    timeout: v.duration.optional().meta({ description: 'upstream read/send timeout (idle time between two reads)' }),
    body: v.size.optional().meta({ description: 'request body limit for this route' }),
    rate: v.rate.optional().meta({ description: 'per-client request rate, e.g. 10/s' }),
    burst: z.int().min(0).max(100000).optional(),
    allow: z.array(v.name).min(1).max(32).optional().meta({ description: 'names from networks or allowlists; everyone else gets 403' }),
  })
  .refine((r) => (r.path === undefined) !== (r.paths === undefined), { message: 'give either path or paths, not both and not neither' });

const tls = z.strictObject({
  mode: z.enum(['acme', 'files', 'off']).optional(),
  email: v.email.optional(),
  cert: v.absoluteFile.optional(),
  key: v.absoluteFile.optional(),
  profile: z.enum(['modern', 'intermediate']).optional(),
  hsts: z.boolean().optional(),
});

const allowlist = z.strictObject({
  source: z.literal('github-meta'),
  sections: z.array(z.enum(GITHUB_META_SECTIONS)).min(1),
});

const tunnel = z.strictObject({
  provider: z.enum(['cloudflare', 'ngrok', 'none']).optional(),
  cloudflare: z.strictObject({ tunnel: v.tunnelName.optional(), credentials_file: v.absoluteFile.optional() }).optional(),
  ngrok: z
    .strictObject({ version: z.union([z.literal(2), z.literal(3)]).optional(), domain: v.hostName.optional() })
    .optional()
    .meta({ description: 'the authtoken is never written; the agent reads NGROK_AUTHTOKEN' }),
});

/** The file as the user writes it: everything but `domain` may come from a preset or a default. */
export const configFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).optional(),
    preset: z.enum(PRESET_NAMES).optional(),
    domain: v.hostName,
    upstream: v.upstreamUrl.optional(),
    ports: z.strictObject({ http: v.port.optional(), https: v.port.optional() }).optional(),
    tls: tls.optional(),
    headers: z.strictObject({ security: z.boolean().optional() }).optional(),
    limits: z.strictObject({ body: v.size.optional(), rate_status: z.int().min(400).max(599).optional() }).optional(),
    networks: z.record(v.name, z.array(v.cidr).min(1).max(4096)).optional(),
    allowlists: z.record(v.name, allowlist).optional(),
    routes: z.array(route).max(20000).optional(),
    tunnel: tunnel.optional(),
    firewall: z
      .strictObject({ allow: z.array(v.port).optional(), deny: z.array(v.port).optional() })
      .optional()
      .meta({ description: 'render firewall/ufw.sh: allow these ports, deny direct access to these' }),
    targets: z.array(z.enum(TARGET_NAMES)).min(1).optional(),
    output: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, 'expected a relative or absolute directory of A-Z a-z 0-9 . _ - /')
      .optional(),
    reload_command: v.shellCommand.optional(),
    nginx: z
      .strictObject({
        version: v.version.optional(),
        ipv6: z.boolean().optional().meta({ description: 'also listen on [::]' }),
        allowlist_dir: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'expected a directory of A-Z a-z 0-9 . _ - /').optional(),
      })
      .optional(),
    caddy: z.strictObject({ version: v.version.optional() }).optional(),
  })
  .meta({ title: 'proxygen.yaml', description: 'One site: reverse proxy and tunnel configuration rendered by proxygen' });

export type ConfigFile = z.infer<typeof configFileSchema>;
export type RouteInput = z.infer<typeof route>;
export type TargetName = (typeof TARGET_NAMES)[number];
export type PresetName = (typeof PRESET_NAMES)[number];
