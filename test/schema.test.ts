import { describe, expect, it } from 'vitest';
import { configFileSchema } from '../src/config/schema.js';
import * as v from '../src/config/values.js';

type Lazy = { _zod: { def: { type: string; _cachedInner?: unknown } } };
type Shape = Record<string, { _zod: { def: { type: string; innerType?: Lazy; _cachedInner?: unknown } } }>;

/** Whether zod has built what a deferred schema wraps (it caches a lazy's inner schema on its def). */
const built = (schema: unknown) => (schema as Lazy)._zod.def._cachedInner !== undefined;

/** The top-level keys whose deferred schema zod has built so far. */
function builtKeys(): string[] {
  const shape = (configFileSchema as unknown as { _zod: { def: { shape: Shape } } })._zod.def.shape;
  return Object.entries(shape)
    .map(([key, schema]) => [key, schema._zod.def.type === 'optional' ? schema._zod.def.innerType! : schema] as const)
    .filter(([, schema]) => schema._zod.def.type === 'lazy' && built(schema))
    .map(([key]) => key);
}

describe('the config schema builds nested objects and value grammars only for keys a file holds', () => {
  it('a file of preset and domain builds the host name grammar alone; a file with tls builds tls and its grammars', () => {
    expect(configFileSchema.safeParse({ preset: 'pilot', domain: 'pilot.example.com' }).success).toBe(true);
    expect(builtKeys()).toEqual(['domain']);
    expect([v.upstreamUrl, v.urlPath, v.cidr, v.email].map(built)).toEqual([false, false, false, false]);
    expect(configFileSchema.safeParse({ domain: 'pilot.example.com', tls: { mode: 'acme', email: 'ops@example.com' } }).success).toBe(true);
    expect(builtKeys()).toEqual(['domain', 'tls']);
    expect([v.email, v.upstreamUrl].map(built)).toEqual([true, false]);
  });

  const cases: [string, unknown, boolean][] = [
    ['absent nested keys stay absent', { domain: 'a.example.com' }, true],
    ['a nested object', { domain: 'a.example.com', ports: { http: 8080 } }, true],
    ['an unknown key inside a nested object', { domain: 'a.example.com', limits: { bogus: 1 } }, false],
    ['null for a nested object', { domain: 'a.example.com', tunnel: null }, false],
    ['a record of lists', { domain: 'a.example.com', networks: { office: ['10.0.0.0/8'] } }, true],
    ['a record with a bad value', { domain: 'a.example.com', networks: { office: ['10.0.0.1/8'] } }, false],
    ['a deferred grammar given a value', { domain: 'a.example.com', upstream: 'http://127.0.0.1:9090' }, true],
    ['a deferred grammar given a bad value', { domain: 'a.example.com', upstream: 'ftp://x' }, false],
    ['a deferred grammar given null', { domain: 'a.example.com', upstream: null }, false],
    ['a required deferred grammar missing', { preset: 'pilot' }, false],
  ];
  it.each(cases)('%s', (_, input, ok) => {
    const parsed = configFileSchema.safeParse(input);
    expect(parsed.success).toBe(ok);
    if (ok) expect(parsed.data).toEqual(input);
  });
});
