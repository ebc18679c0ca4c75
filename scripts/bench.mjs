// npm run bench: whole-process wall time (median of N runs) as a ratio to bare `node -e 0`
// measured in the same run, plus peak RSS. Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { watPlugins } from './wat.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/proxygen.js');
const hasTime = existsSync('/usr/bin/time');

// NODE_EXTRA_CA_CERTS makes node read and parse that bundle at every start (about 86 ms here, on
// this machine kind's default environment): bare node -e 0 then takes three times as long, which
// hides what proxygen itself adds. When it is set, every figure is also measured without it.
const CLEAN_ENV = (() => {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
})();
const AS_IS_ENV = { ...process.env, NO_COLOR: '1' };
let env = AS_IS_ENV;

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

function once(args, cwd) {
  const start = process.hrtime.bigint();
  const argv = hasTime ? ['/usr/bin/time', ['-f', '%M', process.execPath, ...args]] : [process.execPath, args];
  const result = spawnSync(argv[0], argv[1], { cwd, encoding: 'utf8', env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const rss = hasTime ? Number(result.stderr.trim().split('\n').pop()) / 1024 : NaN;
  return { ms, rss };
}

// This machine kind changes speed from minute to minute (node -e 0 varies by a third or more),
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
  return {
    median: median(samples.map((s) => s.ms)),
    base: median(base),
    ratio: median(samples.map((s, i) => s.ms / base[i])),
    over: median(samples.map((s, i) => s.ms - base[i])),
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

const pilot = project('preset: pilot\ndomain: pilot.example.com\n');
const meta = readFileSync(join(root, 'dist/meta.json'), 'utf8');
const sample = join(root, 'fixtures/github-meta-sample.json');
const all = project(`preset: pilot\ndomain: pilot.example.com\nallowlists:\n  github-hooks: { source: github-meta, sections: [hooks, actions, web, api, git, pages, packages] }\n`);
spawnSync(process.execPath, [bin, 'render'], { cwd: all });
const r50dir = project(routesYaml(50));
const r500dir = project(routesYaml(500));
const r5000dir = project(routesYaml(5000));

function table() {
  const rows = [];
  const add = (name, target, result) => rows.push({ name, target, ...result });
  add('proxygen --version', '<= 1.15x', measure([bin, '--version']));
  add('proxygen render (pilot, 4 targets)', '<= 1.3x', measure([bin, 'render'], pilot));
  if (meta.includes('src/commands/check.ts')) add('proxygen check (project)', '<= 2.0x', measure([bin, 'check'], pilot));
  if (meta.includes('src/commands/refresh-allowlist.ts')) {
    add('refresh-allowlist --source sample --dry-run (7,440 CIDRs)', '<= 1.6x', measure([bin, 'refresh-allowlist', '--source', sample, '--dry-run'], all));
  }
  // All four targets, as an operator runs it: ngrok's rules once compared every pair of routes,
  // which an nginx-only figure did not show (5,000 routes: 5 s).
  add('render 50 routes (4 targets)', '', measure([bin, 'render'], r50dir));
  const r500 = measure([bin, 'render'], r500dir);
  const r5000 = measure([bin, 'render'], r5000dir);
  add('render 500 routes (4 targets)', '', r500);
  add('render 5,000 routes (4 targets)', '< 1 s, <= 11x of 500', r5000);
  return { rows, r500, r5000 };
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
function print(title, { rows, r500, r5000 }, baseline) {
  console.log(`\n${title}\nnode -e 0: ${fmt(baseline.median)} ms median of ${RUNS}, peak RSS ${fmt(baseline.rss)} MB\n`);
  console.log('| command | median ms | node -e 0 alongside (median) | over node (median of pairs, ms) | x node (median of pairs) | target | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.name} | ${fmt(row.median)} | ${fmt(row.base)} | ${fmt(row.over)} | ${fmt(row.ratio, 2)}x | ${row.target} | ${fmt(row.rss)} |`);
  console.log(`\n5,000 vs 500 routes: ${fmt(r5000.median / r500.median, 2)}x (target <= 11x, and under 1 s)`);
}

// BENCH_AGAINST=<another checkout, built>: the same commands from both builds, each pair run back
// to back in alternating order; prints the median of per-pair ratios (this build / that one).
function against(other) {
  const otherBin = join(other, 'bin/proxygen.js');
  const cases = [
    ['--version', [], tmpdir()],
    ['render', [], pilot],
    ['check', [], pilot],
    ['refresh-allowlist', ['--source', sample, '--dry-run'], all],
    ['render', [], r5000dir],
  ];
  console.log(`\nThis build against ${other} (median of ${RUNS} interleaved pairs):\n`);
  console.log('| command | that build, median ms | this build, median ms | this / that (median of pairs) |');
  console.log('|---|---|---|---|');
  for (const [command, rest, cwd] of cases) {
    const args = command === '--version' ? [command] : [command, ...rest];
    const mine = [];
    const theirs = [];
    once([otherBin, ...args], cwd);
    for (let i = 0; i < RUNS; i++) {
      const pair = i % 2 ? [() => mine.push(once([bin, ...args], cwd).ms), () => theirs.push(once([otherBin, ...args], cwd).ms)] : [() => theirs.push(once([otherBin, ...args], cwd).ms), () => mine.push(once([bin, ...args], cwd).ms)];
      pair[0]();
      pair[1]();
    }
    const name = cwd === r5000dir ? 'render 5,000 routes' : `proxygen ${args.join(' ').replace(sample, 'sample')}`;
    console.log(`| ${name} | ${median(theirs).toFixed(1)} | ${median(mine).toFixed(1)} | ${median(mine.map((ms, i) => ms / theirs[i])).toFixed(2)} |`);
  }
}
if (process.env.BENCH_AGAINST) {
  against(process.env.BENCH_AGAINST);
  if (process.env.NODE_EXTRA_CA_CERTS) {
    env = CLEAN_ENV;
    console.log('\nWithout NODE_EXTRA_CA_CERTS:');
    against(process.env.BENCH_AGAINST);
  }
  process.exit(0);
}

const asIs = table();
const asIsBase = measure(['-e', '0']);
let clean;
let cleanBase;
if (process.env.NODE_EXTRA_CA_CERTS) {
  env = CLEAN_ENV;
  clean = table();
  cleanBase = measure(['-e', '0']);
}

// In-process CIDR merge: bundle the modules on the fly so the bench needs no TypeScript runtime.
// allowlistsFromMeta is what refresh runs (validation and merge, in WebAssembly for plain
// entries); mergeCidrs is the JavaScript merge, the path of anything else.
const dir = mkdtempSync(join(tmpdir(), 'proxygen-bench-'));
await build({ entryPoints: { cidr: join(root, 'src/plan/cidr.ts'), validate: join(root, 'src/allowlist/validate.ts') }, bundle: true, format: 'esm', platform: 'node', outdir: dir, outExtension: { '.js': '.mjs' }, logLevel: 'error', plugins: [watPlugins.esbuild] });
const { mergeCidrs } = await import(join(dir, 'cidr.mjs'));
const { allowlistsFromMeta } = await import(join(dir, 'validate.mjs'));
const ms = (work) => {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const sampleBody = readFileSync(sample, 'utf8');
const sampleData = JSON.parse(sampleBody);
const sampleEntries = Object.values(sampleData).flat();
const refreshOnce = () => allowlistsFromMeta(sampleBody, [{ name: 'all', sections: Object.keys(sampleData) }]);
const refreshFirst = ms(refreshOnce);
const refreshTimes = Array.from({ length: 21 }, () => ms(refreshOnce)).sort((a, b) => a - b);
for (let i = 0; i < 5; i++) mergeCidrs(sampleEntries);
const mergeTimes = Array.from({ length: 21 }, () => ms(() => mergeCidrs(sampleEntries))).sort((a, b) => a - b);
// Public first octets only (20-99), so that validation accepts every entry.
const big = Array.from({ length: 50_000 }, (_, i) => `${20 + (i % 80)}.${(i >> 8) & 255}.${i & 255}.0/24`);
const bigBody = JSON.stringify({ big });
const bigRefreshMs = ms(() => allowlistsFromMeta(bigBody, [{ name: 'big', sections: ['big'] }]));
const bigMs = ms(() => mergeCidrs(big));

print(`As this environment runs node${process.env.NODE_EXTRA_CA_CERTS ? ' (NODE_EXTRA_CA_CERTS set)' : ''}:`, asIs, asIsBase);
if (clean) print('Without NODE_EXTRA_CA_CERTS (what node itself costs to start, without reading a CA bundle):', clean, cleanBase);
console.log(`\nValidation and merge of the ${sampleEntries.length} sample entries as refresh runs them, in process: ${fmt(refreshFirst, 2)} ms the first time, ${fmt(refreshTimes[10], 2)} ms median after (target <= 20 ms)`);
console.log(`The same for 50,000 entries, the first time: ${fmt(bigRefreshMs, 1)} ms`);
console.log(`JavaScript merge (the path of entries outside the plain forms) of the sample: ${fmt(mergeTimes[10], 2)} ms median; of 50,000 entries: ${fmt(bigMs, 1)} ms`);
