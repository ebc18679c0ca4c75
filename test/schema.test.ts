import { describe, expect, it } from 'vitest';
import { configFileSchema } from '../src/config/schema.js';

type Shape = Record<string, { _zod: { def: { innerType?: { _zod: { def: { type: string; _cachedInner?: unknown } } } } } }>;

/** The top-level keys whose nested schema zod has built so far (it caches a lazy's inner on its def). */
function builtNested(): string[] {
  const shape = (configFileSchema as unknown as { _zod: { def: { shape: Shape } } })._zod.def.shape;
  return Object.entries(shape)
    .filter(([, schema]) => schema._zod.def.innerType?._zod.def.type === 'lazy')
    .filter(([, schema]) => schema._zod.def.innerType!._zod.def._cachedInner !== undefined)
    .map(([key]) => key);
}

describe('the config schema builds nested objects only for keys a file holds', () => {
  it('a file of preset and domain builds none; a file with tls builds tls alone', () => {
    expect(configFileSchema.safeParse({ preset: 'pilot', domain: 'pilot.example.com' }).success).toBe(true);
    expect(builtNested()).toEqual([]);
    expect(configFileSchema.safeParse({ domain: 'pilot.example.com', tls: { mode: 'off' } }).success).toBe(true);
    expect(builtNested()).toEqual(['tls']);
  });

  const cases: [string, unknown, boolean][] = [
    ['absent nested keys stay absent', { domain: 'a.example.com' }, true],
    ['a nested object', { domain: 'a.example.com', ports: { http: 8080 } }, true],
    ['an unknown key inside a nested object', { domain: 'a.example.com', limits: { bogus: 1 } }, false],
    ['null for a nested object', { domain: 'a.example.com', tunnel: null }, false],
    ['a record of lists', { domain: 'a.example.com', networks: { office: ['10.0.0.0/8'] } }, true],
    ['a record with a bad value', { domain: 'a.example.com', networks: { office: ['10.0.0.1/8'] } }, false],
  ];
  it.each(cases)('%s', (_, input, ok) => {
    const parsed = configFileSchema.safeParse(input);
    expect(parsed.success).toBe(ok);
    if (ok) expect(parsed.data).toEqual(input);
  });
});
