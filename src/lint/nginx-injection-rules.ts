import type { Placed, Rule } from './nginx-context.js';
import { CLIENT_HEADER_LIKE, expand, inInternalLocation, referencesIn, usesIn } from './nginx-variables.js';

const PASS_DIRECTIVES = ['proxy_pass', 'fastcgi_pass', 'grpc_pass', 'uwsgi_pass', 'scgi_pass', 'memcached_pass'];
const REDIRECT = /^30[12378]$/;

/** The argument of a directive that ends up in a response or upstream header, if any. */
const HEADER_VALUE: Record<string, (args: string[]) => string | undefined> = {
  // `return 200 "text"` is a body, where a newline is harmless; `return URL` and `return 30x URL` are a Location header.
  return: (args) => (args.length === 1 && !/^\d+$/.test(args[0]!) ? args[0] : REDIRECT.test(args[0] ?? '') ? args[1] : undefined),
  rewrite: (args) => args[1],
  add_header: (args) => args[1],
  proxy_set_header: (args) => args[1],
  proxy_pass: (args) => args[0],
};

const all = (ctx: Parameters<Rule['check']>[0], names: string[]): Placed[] => names.flatMap((name) => ctx.placed(name)).sort((a, b) => a.node.line - b.node.line);

export const INJECTION_RULES: Rule[] = [
  {
    id: 'nginx/ssrf',
    severity: 'error',
    check: (ctx) =>
      all(ctx, PASS_DIRECTIVES).flatMap((at) => {
        if (inInternalLocation(at)) return [];
        const use = usesIn(ctx, at, at.node.args[0] ?? '').find((u) => u.inTarget && u.traits.steers);
        return use ? [{ line: at.node.line, message: `${at.node.name} ${at.node.args[0]} takes its host or scheme from $${use.name}, which the client controls (SSRF)`, fix: `${at.node.name} to a fixed upstream name (or a map of allowed values, or mark the location internal;)` }] : [];
      }),
  },
  {
    id: 'nginx/http-splitting',
    severity: 'error',
    check: (ctx) =>
      all(ctx, Object.keys(HEADER_VALUE)).flatMap((at) => {
        const value = HEADER_VALUE[at.node.name]!(at.node.args);
        const use = value === undefined ? undefined : usesIn(ctx, at, value).find((u) => u.traits.newline);
        return use ? [{ line: at.node.line, message: `${at.node.name} puts $${use.name} into a ${at.node.name.startsWith('proxy_') ? 'request to the upstream' : 'response header'}: it is URL-decoded and can carry CR/LF (header injection)`, fix: 'use $request_uri (still encoded), or a capture that cannot match a newline (e.g. [^/\\s]+ or .*)' }] : [];
      }),
  },
  {
    id: 'nginx/host-spoofing',
    severity: 'warning',
    check: (ctx) =>
      ctx.placed('proxy_set_header').flatMap((at) => {
        if (at.node.args[0]?.toLowerCase() !== 'host') return [];
        const used = expand(ctx, at, at.node.args[1] ?? '').flatMap(referencesIn).find((ref) => CLIENT_HEADER_LIKE.test(ref.name));
        return used ? [{ line: at.node.line, message: `proxy_set_header Host ${at.node.args[1]} passes a client-controlled Host upstream ($${used.name})`, fix: 'proxy_set_header Host $host; (or a fixed name)' }] : [];
      }),
  },
];
