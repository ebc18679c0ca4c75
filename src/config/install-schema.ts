import * as z from 'zod/mini';
import * as v from './values.js';

// Where `proxygen apply` puts each target's files on this host, and how it tests and reloads
// them. Every key is optional: the defaults are Debian/Ubuntu's layout (src/host/layout.ts).
const opt = z.optional;
const dir = () => opt(v.absoluteFile);
const command = () => opt(v.shellCommand);
const globalOption = z.string().check(z.regex(/^[A-Za-z0-9 ._/:@+,-]+$/, 'expected one Caddy global option line (letters, digits, spaces and . _ / : @ + , -)'));

export const installSchema = z.strictObject({
  nginx: opt(z.strictObject({ dir: dir(), conf_dir: dir(), test: command(), reload: command() })),
  caddy: opt(z.strictObject({ dir: dir(), main: dir(), globals: opt(z.array(globalOption).check(z.maxLength(64))), test: command(), reload: command() })),
  cloudflared: opt(z.strictObject({ config: dir(), reload: command() })),
  ngrok: opt(z.strictObject({ config: dir(), reload: command() })),
  systemd: opt(z.strictObject({ dir: dir() })),
});

export type Install = z.infer<typeof installSchema>;
