import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper shared with the esbuild build
import { HBS_OPTIONS } from '../scripts/hbs.mjs';
import { template } from '../src/targets/hbs.js';

// Precompiled as the build does, then run in our environment (with its own #each).
const ours = (source: string) => template(new Function(`return ${Handlebars.precompile(source, { ...HBS_OPTIONS })}`)() as TemplateSpecification);
// The same source in a fresh stock environment.
const stock = (source: string) => Handlebars.create().compile(source, { ...HBS_OPTIONS });

describe('#each renders exactly what the built-in renders', () => {
  it.each([
    ['items in order', '{{#each items}}[{{this}}]{{/each}}', { items: ['a', 'b', 'c'] }, '[a][b][c]'],
    ['else for an empty list', '{{#each items}}x{{else}}none {{sep}}{{/each}}', { items: [], sep: ';' }, 'none ;'],
    ['@index, @first, @last', '{{#each items}}{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}},{{/each}}', { items: ['a', 'b', 'c'] }, '0F,1,2L,'],
    ['block params', '{{#each items as |item i|}}{{i}}={{item}} {{/each}}', { items: ['a', 'b'] }, '0=a 1=b '],
    ['parent context', '{{#each items}}{{../sep}}{{name}}{{/each}}', { items: [{ name: 'a' }, { name: 'b' }], sep: '/' }, '/a/b'],
    ['nested lists', '{{#each rows}}({{#each this}}{{this}}{{@index}}{{/each}}){{/each}}', { rows: [['a', 'b'], [], ['c']] }, '(a0b1)()(c0)'],
    ['an object keeps the built-in', '{{#each map}}{{@key}}={{this}};{{/each}}', { map: { a: 1, b: 2 } }, 'a=1;b=2;'],
    ['one item is first and last', '{{#each items}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}{{/each}}', { items: ['a'] }, 'FL'],
  ])('%s', (_, source, data, expected) => {
    expect(stock(source)(data)).toBe(expected);
    expect(ours(source)(data)).toBe(expected);
  });

  it('a missing key still fails under strict', () => {
    expect(() => ours('{{#each items}}{{nope}}{{/each}}')({ items: [{}] })).toThrow(/"nope" not defined/);
  });
});

describe('the templates stay in the fast shape of the runtime', () => {
  const root = join(import.meta.dirname, '..', 'templates');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((file) => file.endsWith('.hbs')).sort();
  it('there are templates to check', () => expect(files.length).toBeGreaterThanOrEqual(7));
  // `../` (depths) or an @-variable (data) makes Handlebars build a closure and a context chain at
  // every block it enters: pass what an item needs in the item itself instead.
  it.each(files)('%s uses no ../ and no @data', (file) => {
    const spec = new Function(`return ${Handlebars.precompile(readFileSync(join(root, file), 'utf8'), { ...HBS_OPTIONS })}`)() as { useDepths?: boolean; useData?: boolean };
    expect({ useDepths: !!spec.useDepths, useData: !!spec.useData }).toEqual({ useDepths: false, useData: false });
  });
});
