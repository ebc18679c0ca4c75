import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI's cold start is a feature: these read esbuild's metafile of the built bundle.
interface Output {
  imports: { path: string; kind: string; external?: boolean }[];
  inputs: Record<string, unknown>;
  entryPoint?: string;
}
const meta = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'dist', 'meta.json'), 'utf8')) as { outputs: Record<string, Output> };
const entry = 'dist/proxygen.js';

/** Every output a chunk loads before its code runs (static imports, transitively). */
function staticClosure(start: string): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    for (const dep of meta.outputs[queue.shift()!]!.imports) {
      if (dep.kind === 'import-statement' && !dep.external && !seen.has(dep.path)) seen.add(dep.path), queue.push(dep.path);
    }
  }
  return seen;
}

const packagesIn = (outputs: Set<string>) =>
  new Set([...outputs].flatMap((out) => Object.keys(meta.outputs[out]!.inputs).filter((i) => i.includes('node_modules/')).map((i) => i.split('node_modules/').pop()!.split('/')[0]!)));

const commandChunk = (name: string) => Object.keys(meta.outputs).find((out) => Object.keys(meta.outputs[out]!.inputs).includes(`src/commands/${name}.ts`))!;

describe('bundle loading', () => {
  it('the entry file imports nothing statically (so --version loads one file)', () => {
    expect(meta.outputs[entry]!.imports.filter((i) => i.kind !== 'dynamic-import' && !i.external)).toEqual([]);
    expect(packagesIn(staticClosure(entry))).toEqual(new Set());
  });

  it('commander comes with the CLI chunk, not before', () => {
    const cli = Object.keys(meta.outputs).find((out) => Object.keys(meta.outputs[out]!.inputs).includes('src/cli.ts'))!;
    expect(packagesIn(staticClosure(cli))).toEqual(new Set(['commander']));
  });

  it('render loads only what it uses: no network, process or prompt libraries', () => {
    const loaded = packagesIn(staticClosure(commandChunk('render')));
    for (const heavy of ['undici', 'ws', 'execa', '@inquirer', 'fast-check', 'chalk']) expect(loaded.has(heavy), heavy).toBe(false);
    expect(loaded).toContain('yaml');
    expect(loaded).toContain('zod');
  });

  it.each([
    ['refresh-allowlist', ['undici', 'ws', '@inquirer', 'chalk']],
    ['check', ['undici', 'ws', '@inquirer', 'chalk']],
    ['init', ['undici', 'ws', '@inquirer', 'chalk']],
    ['verify', ['@inquirer', 'chalk']],
  ])('%s does not load %j before it needs them', (command, heavy) => {
    const loaded = packagesIn(staticClosure(commandChunk(command)));
    for (const name of heavy) expect(loaded.has(name), name).toBe(false);
  });

  it('the allowlist snapshot is a chunk of its own, loaded on demand', () => {
    const snapshot = Object.keys(meta.outputs).find((out) => Object.keys(meta.outputs[out]!.inputs).some((i) => i.includes('github-meta-snapshot.json')))!;
    expect(staticClosure(commandChunk('render')).has(snapshot)).toBe(false);
  });
});
