import * as z from 'zod/mini';
import { PRESET_NAMES, TARGET_NAMES, type PresetName, type TargetName } from '../config/schema.js';
import { absoluteFile, email, hostName, tunnelName, upstreamUrl } from '../config/values.js';
import type { Imported } from '../import/index.js';
import { PRESETS } from '../presets/index.js';

export interface Answers {
  preset: PresetName;
  domain: string;
  upstream: string;
  tls: 'acme' | 'files' | 'off';
  email?: string;
  cert?: string;
  key?: string;
  tunnel: 'cloudflare' | 'ngrok' | 'none';
  cloudflareTunnel?: string;
  credentialsFile?: string;
  targets: TargetName[];
}

export interface Question {
  key: keyof Answers;
  flag: string;
  message: string;
  /** select: one of choices; multi: some of choices; input: free text. */
  kind: 'select' | 'multi' | 'input';
  choices?: readonly string[];
  /** The same zod pieces the config file is validated with: one source of truth for messages. */
  schema: z.ZodMiniType;
  when?: (answers: Partial<Answers>) => boolean;
  defaultValue: (answers: Partial<Answers>, imported?: Imported) => string | string[] | undefined;
  optional?: boolean;
}

const TLS_MODES = ['acme', 'files', 'off'] as const;
const TUNNELS = ['none', 'cloudflare', 'ngrok'] as const;

export const QUESTIONS: Question[] = [
  { key: 'preset', flag: '--preset', message: 'App preset', kind: 'select', choices: PRESET_NAMES, schema: z.enum(PRESET_NAMES), defaultValue: (_a, imported) => imported?.preset ?? 'pilot' },
  { key: 'domain', flag: '--domain', message: 'Public domain name', kind: 'input', schema: hostName, defaultValue: (_a, imported) => imported?.values.domain },
  {
    key: 'upstream',
    flag: '--upstream',
    message: 'Where the app listens (upstream URL)',
    kind: 'input',
    schema: upstreamUrl,
    defaultValue: (answers, imported) => imported?.values.upstream ?? (answers.preset && answers.preset !== 'none' ? PRESETS[answers.preset].values.upstream : undefined) ?? 'http://127.0.0.1:8080',
  },
  { key: 'tls', flag: '--tls', message: 'TLS certificates', kind: 'select', choices: TLS_MODES, schema: z.enum(TLS_MODES), defaultValue: () => 'acme' },
  { key: 'email', flag: '--email', message: "Email for Let's Encrypt (blank to skip)", kind: 'input', schema: email, when: (a) => a.tls === 'acme', optional: true, defaultValue: () => undefined },
  { key: 'cert', flag: '--cert', message: 'Certificate file (full chain, absolute path)', kind: 'input', schema: absoluteFile, when: (a) => a.tls === 'files', defaultValue: () => undefined },
  { key: 'key', flag: '--key', message: 'Private key file (absolute path)', kind: 'input', schema: absoluteFile, when: (a) => a.tls === 'files', defaultValue: () => undefined },
  { key: 'tunnel', flag: '--tunnel', message: 'Tunnel in front', kind: 'select', choices: TUNNELS, schema: z.enum(TUNNELS), defaultValue: (_a, imported) => imported?.values.tunnel?.provider ?? 'none' },
  {
    key: 'cloudflareTunnel',
    flag: '--cloudflare-tunnel',
    message: 'Cloudflare tunnel name or UUID (cloudflared tunnel create <name>)',
    kind: 'input',
    schema: tunnelName,
    when: (a) => a.tunnel === 'cloudflare',
    defaultValue: (answers) => answers.domain?.split('.')[0],
  },
  {
    key: 'credentialsFile',
    flag: '--credentials-file',
    message: "The tunnel's credentials file",
    kind: 'input',
    schema: absoluteFile,
    when: (a) => a.tunnel === 'cloudflare',
    defaultValue: (answers) => `/etc/cloudflared/${answers.cloudflareTunnel}.json`,
  },
  {
    key: 'targets',
    flag: '--targets',
    message: 'Outputs to render',
    kind: 'multi',
    choices: TARGET_NAMES,
    schema: z.array(z.enum(TARGET_NAMES)).check(z.minLength(1, 'pick at least one target')),
    defaultValue: (answers) => ['nginx', 'caddy', ...(answers.tunnel === 'cloudflare' ? ['cloudflared'] : answers.tunnel === 'ngrok' ? ['ngrok'] : [])],
  },
];

/** The schema's own message for a bad value, or null when it is good. */
export function problemWith(question: Question, value: unknown): string | null {
  const result = question.schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'invalid value');
}

/** A flag's text as the question's value (targets take a comma list). */
export function fromFlag(question: Question, text: string): string | string[] {
  return question.kind === 'multi' ? text.split(',').map((item) => item.trim()).filter(Boolean) : text;
}
