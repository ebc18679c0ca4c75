import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, installInto, tempProject } from './helpers/cli.js';

// The build marks every npm package so that, when a preload defines globalThis.__proxygenPackages,
// each package adds itself as it is initialised: these tests read which packages a real run of
// the built CLI initialised, to hold the heavy libraries to the commands that need them.
const DIST = join(import.meta.dirname, '..', 'dist');
const temp: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temp.push(dir);
  return dir;
};
const project = (yaml?: string) => {
  const dir = tempProject(yaml);
  temp.push(dir);
  return dir;
};
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const PRELOAD = join(tempDir('proxygen-preload-'), 'preload.cjs');
writeFileSync(
  PRELOAD,
  "globalThis.__proxygenPackages = new Set();\nprocess.on('exit', () => require('node:fs').writeFileSync(process.env.PROXYGEN_LOADED, JSON.stringify([...globalThis.__proxygenPackages].sort())));\n",
);

function packagesLoadedBy(args: string[], cwd: string): string[] {
  const out = join(tempDir('proxygen-loaded-'), 'loaded.json');
  const result = spawnSync(process.execPath, ['--require', PRELOAD, BIN, ...args], { cwd, encoding: 'utf8', input: '', env: { ...process.env, NO_COLOR: '1', PROXYGEN_LOADED: out } });
  expect(result.status, result.stderr).not.toBeNull();
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

const LAZY = ['undici', 'ws', '@inquirer/core', '@inquirer/prompts', 'fast-check'];
const PILOT = 'preset: pilot\ndomain: pilot.example.com\n';

describe('the built CLI', () => {
  it('is an ES module bundle split where commands are imported, and no code cache of our own', () => {
    const files = readdirSync(DIST);
    expect(files).toContain('proxygen.mjs');
    expect(files.filter((name) => !name.endsWith('.mjs'))).toEqual([]);
    for (const command of ['render', 'check', 'refresh-allowlist', 'verify', 'init']) expect(files.some((name) => name.startsWith(`${command}-`)), command).toBe(true);
  });

  it("an install of package.json's files alone renders a preset with an allowlist from the bundled snapshot", () => {
    const bin = installInto(tempDir('proxygen-install-'));
    const result = spawnSync(process.execPath, [bin, 'render', '--dry-run'], { cwd: project(PILOT), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/\(allowlists from the bundled GitHub meta snapshot of \d{4}-\d{2}-\d{2}\)\n/);
    expect(result.status).toBe(0);
  });

  it.each([
    [['render', '--dry-run']],
    [['refresh-allowlist', '--source', join(import.meta.dirname, '..', 'fixtures', 'github-meta-sample.json'), '--dry-run']],
    [['check', '--format', 'json']],
    [['init', '--domain', 'x.example.com', '--yes', '--config', 'new/proxygen.yaml']],
    [['schema']],
  ])('%j initialises none of the libraries only verify and an interactive init use', (args) => {
    const loaded = packagesLoadedBy(args, project(PILOT));
    expect(loaded).toContain('commander');
    for (const name of LAZY) expect(loaded, name).not.toContain(name);
  });

  it('verify is the one command that brings undici and ws', () => {
    const loaded = packagesLoadedBy(['verify', '--connect-to', '127.0.0.1:1'], project(PILOT));
    expect(loaded).toEqual(expect.arrayContaining(['undici', 'ws']));
    expect(loaded).not.toContain('@inquirer/prompts');
  });
});
