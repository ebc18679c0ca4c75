import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalCidr, mergeCidrs } from '../src/plan/cidr.js';
import { FIXTURES } from './helpers/project.js';

const sample = JSON.parse(readFileSync(join(FIXTURES, 'github-meta-sample.json'), 'utf8')) as Record<string, string[]>;
// Generated once with Python: ipaddress.collapse_addresses per family, IPv4 first.
const python = JSON.parse(readFileSync(join(FIXTURES, 'github-meta-collapsed.python.json'), 'utf8')) as Record<string, string[]>;

describe('CIDR merge', () => {
  it('equals Python collapse_addresses on all 7,440 sample entries', () => {
    const all = Object.values(sample).flat();
    expect(all.length).toBe(7440);
    expect(mergeCidrs(all)).toEqual(python.all);
  });

  it.each(Object.keys(sample))('equals Python on section %s', (section) => {
    expect(mergeCidrs(sample[section]!)).toEqual(python[section]);
  });

  it.each([
    [['10.0.0.0/28', '10.0.0.16/28'], ['10.0.0.0/27']],
    [['10.0.0.16/28', '10.0.0.0/28'], ['10.0.0.0/27']],
    [['10.0.0.0/28', '10.0.0.32/28'], ['10.0.0.0/28', '10.0.0.32/28']],
    [['10.0.0.16/28', '10.0.0.32/28'], ['10.0.0.16/28', '10.0.0.32/28']],
    [['10.0.0.0/8', '10.1.0.0/16'], ['10.0.0.0/8']],
    [['192.0.2.1', '192.0.2.0/32'], ['192.0.2.0/31']],
    [['2001:db8::/33', '2001:db8:8000::/33'], ['2001:db8::/32']],
    [['2001:db8::/32', '10.0.0.0/8'], ['10.0.0.0/8', '2001:db8::/32']],
    [['::ffff:0:0/96', '0.0.0.0/1'], ['0.0.0.0/1', '::ffff:0:0/96']],
    [['10.0.0.0/24', '10.0.0.0/24'], ['10.0.0.0/24']],
    [['10.0.0.0/32', '10.0.0.1/32', '10.0.0.2/32'], ['10.0.0.0/31', '10.0.0.2/32']],
  ])('%j -> %j', (input, expected) => expect(mergeCidrs(input)).toEqual(expected));

  it.each([
    ['192.0.2.7', '192.0.2.7/32'],
    ['2001:DB8:0:0::1', '2001:db8::1/128'],
    ['2001:db8::/32', '2001:db8::/32'],
  ])('canonical %s -> %s', (input, expected) => expect(canonicalCidr(input)).toBe(expected));
});
