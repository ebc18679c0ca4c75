import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readYamlSubset } from '../src/config/yaml-subset.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);
const OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

/** What the config loader gets from `yaml` itself, or 'error'. */
function viaYaml(text: string): unknown {
  const doc = parseDocument(text, OPTIONS);
  return doc.errors.length || doc.warnings.length ? 'error' : doc.toJS({ maxAliasCount: 50 });
}

/** The reader may give up on anything, but what it reads must equal yaml's reading. */
function agrees(text: string): void {
  const fast = readYamlSubset(text);
  if (fast !== undefined) expect(fast, JSON.stringify(text)).toStrictEqual(viaYaml(text));
}

describe('readYamlSubset', () => {
  const fixtures = readdirSync('fixtures', { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'schema' && d.name !== 'seeds');
  it.each(fixtures.map((d) => d.name))('reads fixtures/%s/proxygen.yaml itself, as yaml does', (name) => {
    const text = readFileSync(`fixtures/${name}/proxygen.yaml`, 'utf8');
    expect(readYamlSubset(text)).toStrictEqual(viaYaml(text));
  });

  it.each([
    ['preset: pilot\ndomain: a.example.com\n', { preset: 'pilot', domain: 'a.example.com' }],
    ['$schema: ./proxygen.schema.json\nx: { $y: 1 }\n', { $schema: './proxygen.schema.json', x: { $y: 1 } }],
    ['---\na: 1 # one\n', { a: 1 }],
    ['a:\n- x\n- y\nb: [1, -2, 3.5, +4, 1e3]\n', { a: ['x', 'y'], b: [1, -2, 3.5, 4, 1000] }],
    ['routes:\n  - path: /a\n    allow: [internal]\n  - { path: "/b", exact: true }\n', { routes: [{ path: '/a', allow: ['internal'] }, { path: '/b', exact: true }] }],
    ["a: 'it''s'\nb: \"x\\ty\"\nc: ~\nd:\ne: Null\nf: TRUE\ng: 007\n", { a: "it's", b: 'x\ty', c: null, d: null, e: null, f: true, g: 7 }],
    ['u: http://127.0.0.1:8080\nv: a#b\nw: ::1\nx: 10/s\ny: { z: http://h:1/p }\n', { u: 'http://127.0.0.1:8080', v: 'a#b', w: '::1', x: '10/s', y: { z: 'http://h:1/p' } }],
  ])('reads %j', (text, expected) => {
    expect(readYamlSubset(text)).toStrictEqual(expected);
    expect(viaYaml(text)).toStrictEqual(expected);
  });

  it.each([
    'a: 1\na: 2\n', // duplicate key: yaml reports it, with its position
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    'a: |\n  text\n',
    'a: multi\n  line\n',
    'a:\tb\n',
    'a: 1\r\nb: 2\r\n',
    'a: [1,\n  2]\n',
    'a: [1, 2,]\n',
    'a: 0x1f\n',
    'a: .inf\n',
    'true: 1\n',
    '__proto__: 1\n',
    '"a": 1\n',
    'a: b: c\n',
    '- a\n',
    'a\n',
    '',
    '# only a comment\n',
    'a: 1\n---\nb: 2\n',
    'a: "\\x41"\n',
    'a: caf\u00e9\n',
  ])('gives %j to yaml', (text) => {
    expect(readYamlSubset(text)).toBeUndefined();
  });

  // Config-shaped documents in every style the reader knows, with hostile characters spliced in
  // at random: whatever the reader accepts, yaml must read the same, without an error.
  const word = fc.stringMatching(/^\$?[A-Za-z_][A-Za-z0-9_-]{0,6}$/);
  const piece = fc.constantFrom(' ', ':', ': ', '#', ' #', '-', '- ', ',', '[', ']', '{', '}', "'", '"', '\\', '\n', '\t', ';', '~', '.', '0', '1e3', '0o7', 'null', 'True', '*', '&', '!', '|', '>', '?', '%', '@', '`', '/', '$', '\r');
  const scalar = fc.oneof(
    word,
    fc.stringMatching(/^[-+]?[0-9]{1,4}(\.[0-9]{0,3})?([eE][-+]?[0-9])?$/),
    fc.constantFrom('true', 'False', 'NULL', '~', '', '10/s', '1h', '/api/*', 'http://127.0.0.1:8080', '::1', '10.0.0.0/8', '.5', '-', '--', '-x', ':x', 'a b', 'a#b', "'q'", '"d\\n"', '"a\\"b"', "'it''s'"),
    fc.array(piece, { maxLength: 3 }).map((parts) => parts.join('')),
  );
  type Tree = string | Tree[] | [string, Tree][];
  const { tree } = fc.letrec<{ tree: Tree; list: Tree[]; map: [string, Tree][] }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('tree'), { maxLength: 3 }),
    map: fc.array(fc.tuple(word, tie('tree')), { maxLength: 3 }).map((pairs) => pairs as [string, Tree][]),
  }));
  const isMap = (t: Tree): t is [string, Tree][] => Array.isArray(t) && t.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && !Array.isArray(e[0])) && t.length > 0;
  const flow = (t: Tree): string => (typeof t === 'string' ? t : isMap(t) ? `{ ${t.map(([k, v]) => `${k}: ${flow(v)}`).join(', ')} }` : `[${(t as Tree[]).map(flow).join(', ')}]`);
  function block(t: Tree, indent: string, useFlow: boolean[]): string[] {
    if (typeof t === 'string' || useFlow.shift()) return [` ${flow(t)}`];
    if (isMap(t)) return ['', ...t.flatMap(([k, v]) => { const [first, ...rest] = block(v, `${indent}  `, useFlow); return [`${indent}${k}:${first}`, ...rest]; })];
    return ['', ...(t as Tree[]).flatMap((v) => { const [first, ...rest] = block(v, `${indent}  `, useFlow); return [`${indent}-${first}`, ...rest]; })];
  }
  const documents = fc.tuple(fc.array(fc.tuple(word, tree), { minLength: 1, maxLength: 4 }), fc.array(fc.boolean(), { maxLength: 20 })).map(([pairs, useFlow]) => {
    const lines = pairs.flatMap(([k, v]) => { const [first, ...rest] = block(v, '  ', useFlow); return [`${k}:${first}`, ...rest]; });
    return `${lines.join('\n')}\n`;
  });

  it('reads what yaml reads, or gives up (generated documents)', () => {
    fc.assert(fc.property(documents, (text) => agrees(text)), { numRuns: RUNS });
  });

  it('reads what yaml reads, or gives up (generated documents with characters spliced in)', () => {
    const spliced = fc.tuple(documents, fc.nat(), piece).map(([text, at, p]) => text.slice(0, at % (text.length + 1)) + p + text.slice(at % (text.length + 1)));
    fc.assert(fc.property(spliced, (text) => agrees(text)), { numRuns: RUNS });
  });

  it('reads most generated documents itself (the test would prove nothing if it always gave up)', () => {
    const texts = fc.sample(documents, 400);
    expect(texts.filter((t) => readYamlSubset(t) !== undefined).length).toBeGreaterThan(100);
  });
});
