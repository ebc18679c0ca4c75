import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import * as z from 'zod/mini';
import { parseCidr } from '../plan/cidr.js';

// Every value that reaches a generated file passes one of these grammars. They reject what a
// target's syntax would treat specially (newline, ; { } quotes # $ ` \ NUL, spaces, non-ASCII)
// instead of escaping it later.

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_RE = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const ASCII_PRINTABLE = /^[\x21-\x7e]*$/;

function nonAsciiHint(value: string): string {
  const puny = domainToASCII(value.trim());
  return puny ? `non-ASCII host name; write it in punycode: ${puny}` : 'non-ASCII characters are not allowed';
}

export const hostName = z.string().check(
  z.superRefine((value, ctx) => {
    if (!ASCII_PRINTABLE.test(value)) {
      const message = /[\x00-\x20\x7f]/.test(value) ? 'host name contains whitespace or a control character' : nonAsciiHint(value);
      ctx.addIssue({ code: 'custom', message });
    } else if (value !== value.toLowerCase()) {
      ctx.addIssue({ code: 'custom', message: `host names are lowercase here: ${value.toLowerCase()}` });
    } else if (!HOST_RE.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'expected an RFC 1123 host name (letters, digits, hyphens, dots), e.g. app.example.com' });
    }
  }),
).register(z.globalRegistry, { description: 'RFC 1123 host name, lowercase ASCII (punycode for IDN)', examples: ['pilot.example.com'] });

const SEGMENT_RE = /^[A-Za-z0-9._~-]+$/;

/** URL path: `/`-separated segments of unreserved characters; `*` only as a whole segment. */
export const urlPath = z.string().check(
  z.superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (!value.startsWith('/')) return fail('a path starts with "/", e.g. /api/');
    if (!ASCII_PRINTABLE.test(value)) return fail('path contains whitespace, a control or a non-ASCII character; allowed: A-Z a-z 0-9 . _ ~ - / *');
    const segments = value.slice(1).split('/');
    segments.forEach((segment, index) => {
      const last = index === segments.length - 1;
      if (segment === '' && !last) fail('empty segment ("//") in path');
      else if (segment === '.' || segment === '..') fail('"." and ".." segments are not allowed in a path');
      else if (segment === '*') return;
      else if (segment !== '' && !SEGMENT_RE.test(segment)) fail(`path segment "${segment}" has a character outside A-Z a-z 0-9 . _ ~ -  (a "*" must be a whole segment)`);
    });
  }),
).register(z.globalRegistry, { description: 'URL path; a trailing "/" makes a prefix, "*" matches one segment', examples: ['/api/', '/ws', '/api/connectors/*/grant'] });

export const DURATION_UNITS = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 } as const;
export const duration = z.string().check(
  z.regex(/^[1-9][0-9]{0,6}(ms|s|m|h|d)$/, 'expected a duration: a number and one unit of ms, s, m, h, d (e.g. 60s, 1h)'),
).register(z.globalRegistry, { examples: ['60s', '1h', '24h'] });

export const SIZE_UNITS = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const;
export const size = z.string().check(
  z.regex(/^[1-9][0-9]{0,9}[kmgKMG]?$/, 'expected a size: a number with an optional k, m or g (binary units, like nginx), e.g. 10m'),
).register(z.globalRegistry, { examples: ['10m', '50m', '512k'] });

export const rate = z.string().check(
  z.regex(/^[1-9][0-9]{0,5}\/(s|m)$/, 'expected a rate: requests per second or per minute, e.g. 10/s or 5/m'),
).register(z.globalRegistry, { examples: ['10/s', '5/m'] });

export const name = z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a name of lowercase letters, digits and "-", starting with a letter (at most 40)'));

/** A CIDR or a bare address; host bits must be zero so a typo cannot widen the range silently. */
export const cidr = z.string().check(
  z.superRefine((value, ctx) => {
    try {
      parseCidr(value);
    } catch (error) {
      const message = (error as Error).message;
      ctx.addIssue({ code: 'custom', message: message === 'a /0 range allows everyone' ? `${message}; remove the restriction instead` : message });
    }
  }),
);

export const absoluteFile = z.string().check(
  z.regex(/^\/[A-Za-z0-9._@+-]+(\/[A-Za-z0-9._@+-]+)*$/, 'expected an absolute file path of A-Z a-z 0-9 . _ @ + - and "/"'),
  z.refine((value) => !value.split('/').includes('..'), '".." is not allowed in a file path'),
);

export const email = z.string().check(z.regex(/^[A-Za-z0-9._+-]+@[a-z0-9.-]+\.[a-z]{2,}$/, 'expected an e-mail address such as ops@example.com (ASCII, lowercase domain)'));

export const upstreamUrl = z.string().check(
  z.superRefine((value, ctx) => {
    const match = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[a-z0-9.-]+)(?::([0-9]{1,5}))?$/.exec(value);
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (!match) return fail('expected http://HOST:PORT or https://HOST:PORT with no path, e.g. http://127.0.0.1:9090');
    const host = match[2]!;
    const port = match[3] === undefined ? undefined : Number(match[3]);
    if (port !== undefined && (port < 1 || port > 65535)) fail('port must be 1-65535');
    if (host.startsWith('[')) {
      if (!ipaddr.IPv6.isValid(host.slice(1, -1))) fail('invalid IPv6 address in upstream');
    } else if (!ipaddr.IPv4.isValidFourPartDecimal(host) && !HOST_RE.test(host)) {
      fail('upstream host must be an IP address or an RFC 1123 host name');
    }
  }),
).register(z.globalRegistry, { examples: ['http://127.0.0.1:9090'] });

/** An upstream URL, or the name of an entry under `upstreams:` (a name never holds ":"). */
export const upstreamRef = z.string().check(
  z.superRefine((value, ctx) => {
    if (/^[a-z][a-z0-9-]{0,39}$/.test(value)) return;
    const result = upstreamUrl.safeParse(value);
    if (!result.success) ctx.addIssue({ code: 'custom', message: `${result.error.issues[0]!.message} (or a name from upstreams:)` });
  }),
).register(z.globalRegistry, { description: 'http(s)://HOST:PORT, or a name under upstreams:', examples: ['http://127.0.0.1:9090', 'gateway'] });

// An RFC 7230 token narrowed to letters, digits and "-": the token's other characters (# $ ' ` | ...)
// mean something to a target's syntax, and no header a proxy should set needs them.
export const headerName = z.string().check(
  z.regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'expected a header name of letters, digits and "-" (an RFC 7230 token), e.g. Content-Security-Policy'),
).register(z.globalRegistry, { examples: ['Content-Security-Policy', 'Permissions-Policy'] });

/**
 * Printable ASCII and spaces, written in double quotes by every target, so `;` (between a
 * Content-Security-Policy's directives) is plain text there; refused: what ends or reopens a
 * quoted string or names a variable or placeholder somewhere (" { } $ # \ `), and edge spaces.
 */
export const headerValue = z.string().check(
  z.superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (value.length === 0 || value.length > 1024) return fail('expected a header value of 1 to 1024 characters');
    if (!/^[\x20-\x7e]*$/.test(value)) return fail('header value contains a control (CR, LF, NUL, tab) or a non-ASCII character');
    const bad = /["{}$#\\`]/.exec(value);
    if (bad) return fail(`header value contains ${JSON.stringify(bad[0])}; refused (never escaped): " { } $ # \\ \``);
    if (value !== value.trim()) fail('header value starts or ends with a space');
  }),
).register(z.globalRegistry, { examples: ["default-src 'self'", 'camera=(), microphone=()'] });

/** Where a redirect sends: a path on this site, or an absolute http(s) URL; no "*", no query. */
export const redirectTarget = z.string().check(
  z.superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    const absolute = /^https?:\/\/([^/:]+)(?::([0-9]{1,5}))?(\/.*)?$/.exec(value);
    const path = absolute ? (absolute[3] ?? '/') : value;
    if (absolute) {
      const host = hostName.safeParse(absolute[1]);
      if (!host.success) return fail(`redirect host: ${host.error.issues[0]!.message}`);
      if (absolute[2] !== undefined && (Number(absolute[2]) < 1 || Number(absolute[2]) > 65535)) return fail('port must be 1-65535');
    }
    if (path.includes('*')) return fail('a redirect target has no "*"');
    const checked = urlPath.safeParse(path);
    if (!checked.success) fail(checked.error.issues[0]!.message);
  }),
).register(z.globalRegistry, { description: 'a path on this site or an absolute http(s) URL; the query is kept', examples: ['/new/', 'https://docs.example.com/pilot/'] });

export const port = z.int().check(z.minimum(1), z.maximum(65535));

/** `127.0.0.1:8443` or `[::1]:8443` -> the address (no brackets) and the port; null when malformed. */
export function splitListen(value: string): { address: string; port: number } | null {
  const match = /^(?:([0-9.]+)|\[([0-9a-fA-F:]+)\]):([0-9]{1,5})$/.exec(value);
  if (!match) return null;
  const address = match[1] ?? match[2]!;
  const valid = match[1] ? ipaddr.IPv4.isValidFourPartDecimal(address) : ipaddr.IPv6.isValid(address);
  const number = Number(match[3]);
  return valid && number >= 1 && number <= 65535 ? { address: match[1] ? address : ipaddr.IPv6.parse(address).toString(), port: number } : null;
}

const LISTEN_EXPECTED = 'expected a port (8443) or an address and port (127.0.0.1:8443, [::1]:8443)';

/** Where a proxy listens: a port on every address, or one address and port. */
export const listen = z.union([
  port,
  z.string().check(z.refine((value) => splitListen(value) !== null, LISTEN_EXPECTED)),
], { error: LISTEN_EXPECTED }).register(z.globalRegistry, { examples: [443, '127.0.0.1:8443', '[::1]:8443'] });
export const version = z.string().check(z.regex(/^[0-9]{1,2}\.[0-9]{1,3}(\.[0-9]{1,3})?$/, 'expected a version such as "1.22" or "1.25.3"'));
export const tunnelName = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a tunnel name or UUID (letters, digits, . _ -)'));
export const shellCommand = z.string().check(z.regex(/^[A-Za-z0-9._/@:=+,-]+( [A-Za-z0-9._/@:=+,-]+){0,31}$/, 'expected a plain command: words of letters, digits and . _ / @ : = + , - separated by single spaces (no shell metacharacters)'));

export function durationSeconds(value: string): number {
  const [, amount, unit] = /^([0-9]+)(ms|s|m|h|d)$/.exec(value)!;
  return Math.max(1, Math.ceil(Number(amount) * DURATION_UNITS[unit as keyof typeof DURATION_UNITS]));
}

export function sizeBytes(value: string): number {
  const [, amount, unit] = /^([0-9]+)([kmg]?)$/i.exec(value)!;
  return Number(amount) * SIZE_UNITS[unit!.toLowerCase() as keyof typeof SIZE_UNITS];
}

/** Bytes to the size grammar above (the largest binary unit that divides evenly), which nginx shares. */
export function sizeText(bytes: number): string {
  for (const [unit, factor] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}
