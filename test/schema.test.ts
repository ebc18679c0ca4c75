import { describe, expect, it } from 'vitest';
import { configFileSchema } from '../src/config/schema.js';

describe('the config schema', () => {
  const cases: [string, unknown, boolean][] = [
    ['absent nested keys stay absent', { domain: 'a.example.com' }, true],
    ['a nested object', { domain: 'a.example.com', ports: { http: 8080 } }, true],
    ['an unknown key inside a nested object', { domain: 'a.example.com', limits: { bogus: 1 } }, false],
    ['null for a nested object', { domain: 'a.example.com', tunnel: null }, false],
    ['a record of lists', { domain: 'a.example.com', networks: { office: ['10.0.0.0/8'] } }, true],
    ['a record with a bad value', { domain: 'a.example.com', networks: { office: ['10.0.0.1/8'] } }, false],
    ['a grammar given a value', { domain: 'a.example.com', upstream: 'http://127.0.0.1:9090' }, true],
    ['a grammar given a bad value', { domain: 'a.example.com', upstream: 'ftp://x' }, false],
    ['a grammar given null', { domain: 'a.example.com', upstream: null }, false],
    ['a required key missing', { preset: 'pilot' }, false],
  ];
  it.each(cases)('%s', (_, input, ok) => {
    const parsed = configFileSchema.safeParse(input);
    expect(parsed.success).toBe(ok);
    if (ok) expect(parsed.data).toEqual(input);
  });
});
