import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, installInto, tempProject } from './helpers/cli.js';

// The CLI's cold start is a feature. The build marks every npm package so that, when a preload
// defines globalThis.__proxygenPackages, each package adds itself as it is initialised: these
// tests read which packages a real run of the built CLI initialised.
const DIST = join(import.meta.dirname, '..', 'dist');
const PRELOAD = join(mkdtempSync(join(tmpdir(), 'proxygen-preload-')), 'preload.cjs');
writeFileSync(
  PRELOAD,
  "globalThis.__proxygenPackages = new Set();\nprocess.on('exit', () => require('node:fs').writeFileSync(process.env.PROXYGEN_LOADED, JSON.stringify([...globalThis.__proxygenPackages].sort())));\n",
);

function packagesLoadedBy(args: string[], cwd: string): string[] {
  const out = join(mkdtempSync(join(tmpdir(), 'proxygen-loaded-')), 'loaded.json');
  const result = spawnSync(process.execPath, ['--require', PRELOAD, BIN, ...args], { cwd, encoding: 'utf8', input: '', env: { ...process.env, NO_COLOR: '1', PROXYGEN_LOADED: out } });
  expect(result.status, result.stderr).not.toBeNull();
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

const LAZY = ['undici', 'ws', '@inquirer/core', '@inquirer/prompts', 'chalk', 'fast-check'];

describe('bundle loading (a real run of the built CLI)', () => {
  it('ships the main bundle, a launcher, a code cache per hot command for the Node that built it, and the vendor files', () => {
    for (const name of ['undici', 'ws', 'inquirer-prompts']) expect(existsSync(join(DIST, 'vendor', `${name}.cjs`)), name).toBe(true);
    expect(existsSync(join(DIST, 'proxygen.cjs'))).toBe(true);
    expect(existsSync(join(DIST, 'launcher.cjs'))).toBe(true);
    for (const command of ['render', 'check', 'refresh-allowlist']) expect(existsSync(join(DIST, `proxygen.${command}.${process.version}.v8cache`)), command).toBe(true);
  });

  it('each hot command runs from its own cache, which V8 accepts (a rejected cache would be rewritten)', () => {
    const dir = tempProject('preset: pilot\ndomain: pilot.example.com\n');
    for (const [command, args] of [['render', ['--dry-run']], ['check', []], ['refresh-allowlist', ['--dry-run', '--source', join(import.meta.dirname, '..', 'fixtures', 'github-meta-sample.json')]], ['presets', []]] as const) {
      const cache = join(DIST, `proxygen.${command === 'presets' ? 'render' : command}.${process.version}.v8cache`);
      const before = statSync(cache).mtimeMs;
      const result = spawnSync(process.execPath, [BIN, command, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(result.status, `${command}: ${result.stderr}`).toBeLessThanOrEqual(1);
      expect(statSync(cache).mtimeMs, command).toBe(before);
    }
    expect(readdirSync(DIST).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a run under other V8 flags keeps a cache of its own, and the plain cache stays accepted', () => {
    const bin = installInto(mkdtempSync(join(tmpdir(), 'proxygen-flags-')));
    const dist = join(bin, '..', '..', 'dist');
    const dir = tempProject('preset: pilot\ndomain: pilot.example.com\n');
    const plain = join(dist, `proxygen.render.${process.version}.v8cache`);
    const run = (nodeOptions?: string) => spawnSync(process.execPath, [bin, 'render', '--dry-run'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: nodeOptions } });
    const caches = () => readdirSync(dist).filter((name) => name.startsWith('proxygen.render.')).sort();
    const before = statSync(plain).mtimeMs;
    expect(run('--max-old-space-size=4096').status).toBe(0);
    const flagged = caches().filter((name) => name !== `proxygen.render.${process.version}.v8cache`);
    expect(flagged).toEqual([expect.stringMatching(new RegExp(`^proxygen\\.render\\.${process.version.replaceAll('.', '\\.')}\\.\\d+\\.v8cache$`))]);
    const flaggedAt = statSync(join(dist, flagged[0]!)).mtimeMs;
    // Options that are not V8 flags keep the build's tag, and so its cache.
    for (const options of ['--max-old-space-size=4096', undefined, '--enable-source-maps']) expect(run(options).status).toBe(0);
    expect(statSync(plain).mtimeMs).toBe(before);
    expect(statSync(join(dist, flagged[0]!)).mtimeMs).toBe(flaggedAt);
    expect(caches()).toHaveLength(2);
  });

  it("an install of package.json's files alone renders a preset with an allowlist from the bundled snapshot", () => {
    const bin = installInto(mkdtempSync(join(tmpdir(), 'proxygen-install-')));
    const dir = tempProject('preset: pilot\ndomain: pilot.example.com\n');
    const result = spawnSync(process.execPath, [bin, 'render', '--dry-run'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/\(allowlists from the bundled GitHub meta snapshot of \d{4}-\d{2}-\d{2}\)\n/);
    expect(result.status).toBe(0);
  });

  it('--version initialises no package at all (the launcher answers before reading the bundle)', () => {
    expect(packagesLoadedBy(['--version'], tmpdir())).toEqual([]);
  });

  it('render initialises what it uses and none of the lazy libraries; a config in the plain subset needs no yaml', () => {
    const loaded = packagesLoadedBy(['render', '--dry-run'], tempProject('preset: pilot\ndomain: pilot.example.com\n'));
    expect(loaded).toEqual(['commander', 'handlebars', 'ipaddr.js', 'zod']);
  });

  it.each([
    ['a config outside the plain subset (an anchor)', 'preset: pilot\ndomain: &d pilot.example.com\n', 0],
    ['a config error, for its line and column', 'preset: pilot\ndomain: pilot.example.com\nbogus: 1\n', 2],
  ])('render initialises yaml for %s', (_, config, status) => {
    const dir = tempProject(config);
    expect(spawnSync(process.execPath, [BIN, 'render', '--dry-run'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }).status).toBe(status);
    expect(packagesLoadedBy(['render', '--dry-run'], dir)).toContain('yaml');
  });

  it.each([
    [['refresh-allowlist', '--source', join(import.meta.dirname, '..', 'fixtures', 'github-meta-sample.json'), '--dry-run'], ['yaml', ...LAZY]],
    [['check', '--format', 'json'], ['yaml', ...LAZY]],
    [['init', '--domain', 'x.example.com', '--yes', '--config', 'new/proxygen.yaml'], LAZY],
    [['schema'], ['yaml', 'handlebars', ...LAZY]],
  ])('%j initialises none of %j', (args, lazy) => {
    const loaded = packagesLoadedBy(args, tempProject('preset: pilot\ndomain: pilot.example.com\n'));
    expect(loaded).toContain('commander');
    for (const name of lazy) expect(loaded, name).not.toContain(name);
  });

  it('with output sent to /dev/null (cron) render loads neither tty nor net: /dev/null is a character device but no terminal', () => {
    const dir = tempProject('preset: pilot\ndomain: pilot.example.com\n');
    const out = join(mkdtempSync(join(tmpdir(), 'proxygen-loaded-')), 'builtins.json');
    const preload = join(dir, 'builtins.cjs');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (tty|net)$/.test(m)))));\n`);
    const devNull = openSync('/dev/null', 'w');
    const result = spawnSync(process.execPath, ['--require', preload, BIN, 'render'], { cwd: dir, stdio: ['ignore', devNull, devNull], env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined } });
    closeSync(devNull);
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([]);
  });

  it('check on hand-written files does not initialise the config schema', () => {
    const dir = tempProject();
    writeFileSync(join(dir, 'site.conf'), 'server {\n    listen 8080;\n    location / {\n        return 204;\n    }\n}\n');
    const loaded = packagesLoadedBy(['check', 'site.conf'], dir);
    expect(loaded).toContain('commander');
    expect(loaded).not.toContain('zod');
  });

  it('verify is the one command that brings undici and ws', () => {
    const loaded = packagesLoadedBy(['verify', '--connect-to', '127.0.0.1:1'], tempProject('preset: pilot\ndomain: pilot.example.com\n'));
    expect(loaded).toEqual(expect.arrayContaining(['undici', 'ws']));
    expect(loaded).not.toContain('@inquirer/prompts');
  });

  it('the metafile: verify and init libraries, and yaml, live in their own files, everything else in the main bundle', () => {
    const meta = JSON.parse(readFileSync(join(DIST, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    expect(Object.keys(meta.outputs).sort()).toEqual(['dist/proxygen.cjs', 'dist/vendor/inquirer-prompts.cjs', 'dist/vendor/undici.cjs', 'dist/vendor/ws.cjs', 'dist/vendor/yaml.cjs']);
    const inputs = (file: string) => Object.keys(meta.outputs[file]!.inputs).join('\n');
    for (const name of ['zod', 'commander', 'handlebars', 'ipaddr.js']) expect(inputs('dist/proxygen.cjs')).toContain(`node_modules/${name}/`);
    for (const name of ['undici', 'ws', '@inquirer/', 'iconv-lite', 'yaml']) expect(inputs('dist/proxygen.cjs')).not.toContain(`node_modules/${name}`);
    expect(inputs('dist/vendor/yaml.cjs')).toContain('node_modules/yaml/');
    expect(inputs('dist/vendor/undici.cjs')).toContain('node_modules/undici/');
    expect(inputs('dist/vendor/ws.cjs')).toContain('node_modules/ws/');
    expect(inputs('dist/vendor/inquirer-prompts.cjs')).toContain('node_modules/@inquirer/prompts/');
  });
});
