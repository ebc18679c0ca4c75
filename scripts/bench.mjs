// npm run bench: the figures issue 18 guards, and the time of apply on a busy host, printed; it
// asserts nothing. Each command's median wall time (BENCH_RUNS runs, default 11) is divided by
// the median of `node -e 0` measured alongside.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/proxygen.js');
const sample = join(root, 'fixtures/github-meta-sample.json');
const temp = mkdtempSync(join(tmpdir(), 'proxygen-bench-'));
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

function once(args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function measure(args, cwd) {
  once(args, cwd);
  const runs = [];
  const node = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(once(['-e', '0']));
    runs.push(once(args, cwd));
  }
  return { ms: median(runs), node: median(node) };
}

function project(name, yaml) {
  const dir = join(temp, name);
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'proxygen.yaml'), yaml);
  return dir;
}

function routesYaml(count) {
  const kinds = [(i) => `{ path: /r${i}/, rate: 10/s, burst: 5 }`, (i) => `{ path: /r${i}, websocket: true, timeout: 1h }`, (i) => `{ path: /r${i}/*/x }`, (i) => `{ path: /r${i}, exact: true, allow: [internal] }`];
  const routes = Array.from({ length: count }, (_, i) => `  - ${kinds[i % 4](i)}`);
  return ['domain: big.example.com', 'upstream: http://127.0.0.1:8080', 'networks: { internal: [10.0.0.0/8] }', 'routes:', ...routes, ''].join('\n');
}

/** A temp root laid out like Debian's /etc/nginx (high ports), 20 sites applied, then the 21st timed. */
function applyOnBusyHost() {
  if (spawnSync('sh', ['-c', 'command -v nginx']).status !== 0) return null;
  const root = join(temp, 'host');
  for (const dir of ['etc/nginx/conf.d', 'etc/nginx/sites-enabled', 'run', 'tmp']) spawnSync('mkdir', ['-p', join(root, dir)]);
  const paths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${root}/tmp/${kind};`).join('\n');
  writeFileSync(join(root, 'etc/nginx/nginx.conf'), `pid ${root}/run/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n${paths}\n  include conf.d/*.conf;\n  include sites-enabled/*;\n}\n`);
  const site = (i) => project(`site-${i}`, `preset: pilot\ndomain: site-${i}.example.com\nupstream: http://127.0.0.1:${20000 + i}\nports: { http: 18080, https: 18443 }\ntls: { mode: off }\ntunnel: { provider: cloudflare, cloudflare: { tunnel: host } }\ntargets: [nginx, cloudflared]\n`);
  for (let i = 0; i < 20; i++) once([bin, 'apply', '--root', root], site(i));
  const last = site(20);
  const apply = [];
  const uninstall = [];
  for (let i = 0; i < RUNS; i++) {
    apply.push(once([bin, 'apply', '--root', root], last));
    uninstall.push(once([bin, 'uninstall', '--site', 'site-20.example.com', '--root', root], last));
  }
  return { apply: median(apply), uninstall: median(uninstall) };
}

const rows = [];
const row = (name, guard, { ms, node }) => rows.push(`| ${name} | ${ms.toFixed(0)} ms | ${node.toFixed(0)} ms | ${(ms / node).toFixed(2)}x | ${guard} |`);
try {
  const pilot = project('pilot', 'preset: pilot\ndomain: pilot.example.com\n');
  row('render (pilot, 4 targets)', '<= 2.5x', measure([bin, 'render'], pilot));
  const all = project('all', 'preset: pilot\ndomain: pilot.example.com\nallowlists:\n  github-hooks: { source: github-meta, sections: [hooks, actions, web, api, git, pages, packages] }\n');
  row('refresh-allowlist --source sample --dry-run --force (7,440 entries)', '<= 2.5x', measure([bin, 'refresh-allowlist', '--source', sample, '--dry-run', '--force'], all));
  const r500 = measure([bin, 'render'], project('r500', routesYaml(500)));
  const r5000 = measure([bin, 'render'], project('r5000', routesYaml(5000)));
  row('render 500 routes', '', r500);
  row('render 5,000 routes', `< 1 s; ${(r5000.ms / r500.ms).toFixed(1)}x of 500 (<= 11x)`, r5000);

  const apply = applyOnBusyHost();

  // In process: the validation and merge refresh runs, bundled on the fly (no TypeScript runtime here).
  await build({ entryPoints: { validate: join(root, 'src/allowlist/validate.ts') }, bundle: true, format: 'esm', platform: 'node', outdir: temp, outExtension: { '.js': '.mjs' }, logLevel: 'error' });
  const { allowlistsFromMeta } = await import(join(temp, 'validate.mjs'));
  const body = readFileSync(sample, 'utf8');
  const start = process.hrtime.bigint();
  allowlistsFromMeta(body, [{ name: 'all', sections: Object.keys(JSON.parse(body)) }]);
  const coldMs = Number(process.hrtime.bigint() - start) / 1e6;

  console.log(`node ${process.version}, ${RUNS} runs each, medians\n`);
  console.log('| command | median | node -e 0 alongside | ratio | guard |\n|---|---|---|---|---|');
  console.log(rows.join('\n'));
  console.log(`\nCIDR validation + merge of the 7,440 sample entries, in process, cold: ${coldMs.toFixed(1)} ms (guard <= 100 ms)`);
  console.log(apply ? `apply of a 21st site on a host with 20 (nginx -t included, no reload under --root): ${apply.apply.toFixed(0)} ms; its uninstall: ${apply.uninstall.toFixed(0)} ms` : 'apply on a busy host: skipped, nginx is not installed');
} finally {
  rmSync(temp, { recursive: true, force: true });
}
