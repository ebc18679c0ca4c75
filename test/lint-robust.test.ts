import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNginx, NginxSyntaxError } from '../src/lint/nginx-parse.js';
import { lintNginx } from '../src/lint/nginx-rules.js';
import { canMatch, captureGroups } from '../src/lint/nginx-regex.js';
import { goDurationError, parseGoUrl, splitsHostPort } from '../src/validate/go-values.js';
import { re2Error } from '../src/validate/re2-syntax.js';

// Hand-written files reach these readers: any input must end in a result (a half-open POSIX
// class `[:` once looped forever), never a crash.
const REGEX_PARTS = fc.array(fc.constantFrom('(', ')', '[', ']', '[:', ':]', '\\', '{', '}', '?', '*', '+', 'a', '1', ',', '^', '-', 'P', '<', '>', 'x', 'p', 'Q', 'E', '|', '.', '/'), { maxLength: 20 }).map((p) => p.join(''));
const NGINX_PARTS = ['location', '~', '/a/', '(', ')', '(?<n>', '[^/]+', '[^[:', '.*', '{', '}', ';', 'set', '$x', '$1', '$n', '$arg_a', '$uri', 'proxy_pass', 'http://', '$request_uri', 'if', '($uri', '^/x(.*))', 'return', '302', 'add_header', 'internal', 'map', 'rewrite', '"', '\\', 'default', 'fastcgi_pass', '\n'];

describe('the readers terminate on any input', () => {
  it('regex helpers, RE2 syntax and Go values', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 30 }), REGEX_PARTS), (s) => {
      captureGroups(s);
      canMatch(s, '\n');
      re2Error(s);
      parseGoUrl(s);
      goDurationError(s);
      splitsHostPort(s);
    }), { numRuns: 3000 });
  });

  it('nginx lint rules', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...NGINX_PARTS), { maxLength: 60 }), (parts) => {
      try {
        lintNginx('x', parseNginx(parts.join(' ')));
      } catch (error) {
        if (!(error instanceof NginxSyntaxError)) throw error;
      }
    }), { numRuns: 1500 });
  });

  it('a half-open POSIX class in a capture', () => {
    expect(canMatch('[^[:x]+', '\n')).toBe(true);
    expect(lintNginx('x', parseNginx('location ~ ^/a/([^[:x]+) { return 302 /b/$1; }')).map((f) => f.rule)).toEqual(['nginx/http-splitting']);
  });
});
