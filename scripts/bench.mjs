// npm run bench: whole-process wall time (median of N runs) as a ratio to bare `node -e 0`
// measured in the same run, plus peak RSS. Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/proxygen.js');
const hasTime = existsSync('/usr/bin/time');

function once(args, cwd) {
  const start = process.hrtime.bigint();
  const argv = hasTime ? ['/usr/bin/time', ['-f', '%M', process.execPath, ...args]] : [process.execPath, args];
  const result = spawnSync(argv[0], argv[1], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const rss = hasTime ? Number(result.stderr.trim().split('\n').pop()) / 1024 : NaN;
  return { ms, rss };
}

// This machine kind changes speed from minute to minute (node -e 0 anywhere from 70 to 110 ms),
// so every command run follows its own node -e 0 run, and the ratio is the median of those
// pairs' ratios: a pair runs within a few hundred ms, so both halves see the same machine.
function measure(args, cwd) {
  once(args, cwd);
  const samples = [];
  const base = [];
  for (let i = 0; i < RUNS; i++) {
    base.push(once(['-e', '0']).ms);
    samples.push(once(args, cwd));
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return {
    median: median(samples.map((s) => s.ms)),
    base: median(base),
    ratio: median(samples.map((s, i) => s.ms / base[i])),
    rss: Math.max(...samples.map((s) => s.rss)),
  };
}

function project(yaml) {
  const dir = mkdtempSync(join(tmpdir(), 'proxygen-bench-'));
  writeFileSync(join(dir, 'proxygen.yaml'), yaml);
  return dir;
}

function routesYaml(count) {
  const lines = ['domain: big.example.com', 'upstream: http://127.0.0.1:8080', 'networks: { internal: [10.0.0.0/8] }', 'routes:'];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 0) lines.push(`  - { path: /r${i}/, rate: 10/s, burst: 5 }`);
    else if (kind === 1) lines.push(`  - { path: /r${i}, websocket: true, timeout: 1h }`);
    else if (kind === 2) lines.push(`  - { path: /r${i}/*/x, exact: false }`);
    else lines.push(`  - { path: /r${i}, exact: true, allow: [internal] }`);
  }
  return `${lines.join('\n')}\n`;
}

const rows = [];
const baseline = measure(['-e', '0']);
const add = (name, target, result) => rows.push({ name, target, ...result });

add('proxygen --version', '<= 1.15x', measure([bin, '--version']));
const pilot = project('preset: pilot\ndomain: pilot.example.com\n');
add('proxygen render (pilot, 4 targets)', '<= 1.3x', measure([bin, 'render'], pilot));
if (readFileSync(join(root, 'dist/meta.json'), 'utf8').includes('src/commands/check.ts')) {
  add('proxygen check (project)', '<= 2.0x', measure([bin, 'check'], pilot));
}
if (readFileSync(join(root, 'dist/meta.json'), 'utf8').includes('src/commands/refresh-allowlist.ts')) {
  const sample = join(root, 'fixtures/github-meta-sample.json');
  const all = project(`preset: pilot\ndomain: pilot.example.com\nallowlists:\n  github-hooks: { source: github-meta, sections: [hooks, actions, web, api, git, pages, packages] }\n`);
  spawnSync(process.execPath, [bin, 'render'], { cwd: all });
  add('refresh-allowlist --source sample --dry-run (7,440 CIDRs)', '<= 1.6x', measure([bin, 'refresh-allowlist', '--source', sample, '--dry-run'], all));
}
const r500 = measure([bin, 'render', '--dry-run', '--target', 'nginx'], project(routesYaml(500)));
const r5000 = measure([bin, 'render', '--dry-run', '--target', 'nginx'], project(routesYaml(5000)));
add('render 500 routes', '', r500);
add('render 5,000 routes', '< 1 s, <= 11x of 500', r5000);

// In-process CIDR merge: bundle the module on the fly so the bench needs no TypeScript runtime.
const out = join(mkdtempSync(join(tmpdir(), 'proxygen-bench-')), 'cidr.mjs');
await build({ entryPoints: [join(root, 'src/plan/cidr.ts')], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error' });
const { mergeCidrs } = await import(out);
const sample = Object.values(JSON.parse(readFileSync(join(root, 'fixtures/github-meta-sample.json'), 'utf8'))).flat();
for (let i = 0; i < 5; i++) mergeCidrs(sample);
const mergeTimes = Array.from({ length: 21 }, () => {
  const start = process.hrtime.bigint();
  mergeCidrs(sample);
  return Number(process.hrtime.bigint() - start) / 1e6;
}).sort((a, b) => a - b);
const big = Array.from({ length: 50_000 }, (_, i) => `${10 + (i % 200)}.${(i >> 8) & 255}.${i & 255}.0/24`);
const bigStart = process.hrtime.bigint();
mergeCidrs(big);
const bigMs = Number(process.hrtime.bigint() - bigStart) / 1e6;

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
console.log(`node -e 0: ${fmt(baseline.median)} ms median of ${RUNS}, peak RSS ${fmt(baseline.rss)} MB\n`);
console.log('| command | median ms | node -e 0 alongside (median) | x node (median of pairs) | target | peak RSS MB |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.name} | ${fmt(row.median)} | ${fmt(row.base)} | ${fmt(row.ratio, 2)}x | ${row.target} | ${fmt(row.rss)} |`);
console.log(`\n5,000 vs 500 routes: ${fmt(r5000.median / r500.median, 2)}x (target <= 11x, and under 1 s)`);
console.log(`CIDR merge of ${sample.length} sample entries in process: ${fmt(mergeTimes[10], 2)} ms median (target <= 20 ms)`);
console.log(`CIDR merge of 50,000 entries in process: ${fmt(bigMs, 1)} ms`);
