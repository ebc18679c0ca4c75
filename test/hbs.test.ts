import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper shared with the esbuild build
import { HBS_OPTIONS } from '../scripts/hbs.mjs';
import { template } from '../src/targets/hbs.js';

// Precompiled as the build does, then run in our isolated environment.
const ours = (source: string) => template(new Function(`return ${Handlebars.precompile(source, { ...HBS_OPTIONS })}`)() as TemplateSpecification);

describe('the template environment', () => {
  it.each([
    ['values are not escaped (they were validated before)', '{{value}}', { value: 'a<b>&"c"' }, 'a<b>&"c"'],
    ['join with a separator', '{{join items ", "}}', { items: ['a', 'b'] }, 'a, b'],
    ['eq', '{{#if (eq a "x")}}yes{{else}}no{{/if}}', { a: 'x' }, 'yes'],
    ['parent context and @index work as in stock Handlebars', '{{#each items}}{{@index}}{{../sep}}{{this}}{{/each}}', { items: ['a', 'b'], sep: '=' }, '0=a1=b'],
  ])('%s', (_, source, data, expected) => expect(ours(source)(data)).toBe(expected));

  it('a missing key fails under strict', () => {
    expect(() => ours('{{#each items}}{{nope}}{{/each}}')({ items: [{}] })).toThrow(/"nope" not defined/);
  });

  it('helpers registered here do not leak into the global Handlebars', () => {
    expect(Handlebars.helpers.join).toBeUndefined();
  });
});
