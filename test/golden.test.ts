import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../src/project.js';
import { allowlistDependentPaths, renderAllowlistFiles } from '../src/targets/index.js';
import { FIXTURES, scenarios } from './helpers/project.js';

// UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts rewrites the expected files.
const update = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe.each(scenarios())('golden files: %s', (scenario) => {
  it('renders exactly the checked-in expected files', async () => {
    const { files } = await loadProject(join(FIXTURES, scenario, 'proxygen.yaml'));
    const expectedDir = join(FIXTURES, scenario, 'expected');
    if (update) {
      for (const file of files) {
        mkdirSync(dirname(join(expectedDir, file.path)), { recursive: true });
        writeFileSync(join(expectedDir, file.path), file.content);
      }
    }
    expect(files.map((f) => f.path)).toEqual(listFiles(expectedDir));
    for (const file of files) expect(file.content, file.path).toBe(readFileSync(join(expectedDir, file.path), 'utf8'));
  });

  it('covers all four targets', async () => {
    const { files } = await loadProject(join(FIXTURES, scenario, 'proxygen.yaml'));
    const dirs = new Set(files.map((f) => f.path.split('/')[0]));
    for (const target of ['nginx', 'caddy', 'cloudflared', 'ngrok']) expect(dirs).toContain(target);
  });

  it('knows which files follow the allowlists without rendering (what refresh-allowlist rewrites)', async () => {
    const { files, plan, targets } = await loadProject(join(FIXTURES, scenario, 'proxygen.yaml'));
    const following = files.filter((f) => f.path.includes('/allowlists/') || f.path.startsWith('ngrok/')).map((f) => f.path);
    expect(allowlistDependentPaths(plan, targets)).toEqual(following);
    const partial = renderAllowlistFiles(plan, targets);
    expect(partial.map((f) => f.path)).toEqual(following);
    for (const path of following) expect(partial.find((f) => f.path === path)?.content, path).toBe(files.find((f) => f.path === path)!.content);
  });
});

describe('golden file: the JSON Schema', () => {
  it('`proxygen schema` prints exactly fixtures/schema/proxygen.schema.json', async () => {
    const { jsonSchema } = await import('../src/commands/schema.js');
    const text = `${JSON.stringify(jsonSchema(), null, 2)}\n`;
    const expected = join(FIXTURES, 'schema', 'proxygen.schema.json');
    if (update) writeFileSync(expected, text);
    expect(text).toBe(readFileSync(expected, 'utf8'));
  });
});
