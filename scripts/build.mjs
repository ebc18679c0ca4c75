import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { hbsPlugins } from './hbs.mjs';
import { watPlugins } from './wat.mjs';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });

// Build-time edits to dependencies, each checked so an upgrade cannot drop one silently.
// commander requires node:child_process at load for executable subcommands, which proxygen has
// none of; child_process pulls net and the stream stack (~3-5 ms for every command).
const PATCHES = {
  'commander/lib/command.js': [["const childProcess = require('node:child_process');", "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"]],
  // yaml's parser reads process.env.LOG_TOKENS for every token, and each read of process.env is
  // a call into C++: a fifth of a 5,000-route render (1.27 -> 1.06 s). Read once, at load.
  'yaml/dist/parse/parser.js': [
    ["var node_process = require('process');", "var node_process = require('process');\nconst LOG_TOKENS = node_process.env.LOG_TOKENS;"],
    ['if (node_process.env.LOG_TOKENS)', 'if (LOG_TOKENS)'],
  ],
};

// Each npm package marks itself in globalThis.__proxygenPackages when it is initialised (a no-op
// unless a test defines the set): how the bundle test proves what a command loads.
const markPackages = {
  name: 'mark-packages',
  setup(b) {
    b.onLoad({ filter: /node_modules\/.*\.(c|m)?js$/ }, async (args) => {
      const inPackage = args.path.split('node_modules/').pop();
      const name = inPackage.split('/').slice(0, inPackage.startsWith('@') ? 2 : 1).join('/');
      let contents = await readFile(args.path, 'utf8');
      for (const [from, to] of PATCHES[inPackage] ?? []) {
        if (!contents.includes(from)) throw new Error(`build patch for ${inPackage} no longer applies: ${from}`);
        contents = contents.replace(from, to);
      }
      const shebang = contents.startsWith('#!') ? contents.slice(0, contents.indexOf('\n') + 1) : '';
      return { contents: `${shebang}globalThis.__proxygenPackages?.add(${JSON.stringify(name)});\n${contents.slice(shebang.length)}`, loader: 'js' };
    });
  },
};

// Libraries only `verify` and an interactive `init` use (1.1 MB of the 1.8 MB a single bundle
// had) ship as their own files: every other command then reads, and V8 deserialises, a third
// as much. The main bundle requires them by relative path, still lazily. yaml too (114 KB, a
// quarter of the main bundle): render, check and refresh read plain files with the subset
// reader, and reading the bundle into a string costs ~1 ms per 100 KB here (page faults); a
// file outside the subset or a config error then compiles yaml without a code cache (+1.7 ms).
const VENDOR = { undici: 'undici', ws: 'ws', '@inquirer/prompts': 'inquirer-prompts', yaml: 'yaml' };
const vendorExternal = {
  name: 'vendor-external',
  setup(b) {
    const names = Object.keys(VENDOR).map((name) => name.replace(/[/.]/g, '\\$&'));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: `./vendor/${VENDOR[args.path]}.cjs`, external: true }));
  },
};
// Each vendor file is `module.exports = require(name)`: the CommonJS shape Node itself would
// hand the main bundle (ws's default export is the WebSocket class, not a namespace).
const vendorEntries = {
  name: 'vendor-entries',
  setup(b) {
    b.onResolve({ filter: /^vendor:/ }, (args) => ({ path: args.path.slice('vendor:'.length), namespace: 'vendor' }));
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, resolveDir: process.cwd(), loader: 'js' }));
  },
};
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, metafile: true, legalComments: 'none', logLevel: 'warning' };

// One CommonJS file: dynamic imports become lazily initialised modules inside it, and the
// launcher can hand the whole file to V8's code cache.
const result = await build({
  ...common,
  entryPoints: { proxygen: 'src/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  define: { __PROXYGEN_VERSION__: JSON.stringify(pkg.version), __PROXYGEN_SNAPSHOT__: JSON.stringify('../fixtures/github-meta-snapshot.json') },
  // import() of a vendor file must become require(): the launcher runs the bundle as a vm.Script,
  // which has no dynamic-import hook.
  supported: { 'dynamic-import': false },
  plugins: [hbsPlugins.esbuild, watPlugins.esbuild, vendorExternal, markPackages],
});
const vendor = await build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(VENDOR).map(([name, file]) => [file, `vendor:${name}`])),
  outdir: 'dist/vendor',
  outExtension: { '.js': '.cjs' },
  plugins: [vendorEntries, markPackages],
});
for (const [name, output] of Object.entries(vendor.metafile.outputs)) result.metafile.outputs[name] = output;
// The bundle is stored as the CommonJS function the launcher calls: wrapping it at run time
// (Module.wrap) made V8 flatten a second copy of the whole text, a young-generation allocation
// that brought the first scavenge forward (about 3 ms of every command).
const bundleCode = await readFile('dist/proxygen.cjs', 'latin1');
await writeFile('dist/proxygen.cjs', `(function (exports, require, module, __filename, __dirname) { ${bundleCode}\n});`, 'latin1');
// The launcher reads the bundle as latin1, which is only right for ASCII.
const bundleBytes = await readFile('dist/proxygen.cjs');
const nonAscii = bundleBytes.findIndex((byte) => byte > 127);
if (nonAscii >= 0) throw new Error(`dist/proxygen.cjs has a non-ASCII byte at ${nonAscii}: ${bundleBytes.subarray(Math.max(0, nonAscii - 40), nonAscii + 10).toString('latin1')}`);
await writeFile('dist/meta.json', JSON.stringify(result.metafile));
// One code cache per hot command, warmed below by a typical run of it in a temp project: each
// cache then holds what its command compiles (the first, render's, also serves the others). The
// launcher gets the list from here.
const WARM_RUNS = [
  [['render'], [0]],
  [['check'], [0, 1]],
  [['refresh-allowlist', '--source', 'fixtures/github-meta-sample.json', '--dry-run'], [0]],
];
// The caches are made, and V8's tag for them read, without NODE_OPTIONS: what a plain run has.
const PLAIN_ENV = { ...process.env };
delete PLAIN_ENV.NODE_OPTIONS;
const tag = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('node:v8').cachedDataVersionTag()))"], { encoding: 'utf8', env: PLAIN_ENV }).stdout;
if (!/^\d+$/.test(tag)) throw new Error(`could not read V8's cached data version tag (${tag})`);
const launcher = await readFile(new URL('./launcher.cjs', import.meta.url), 'utf8');
for (const placeholder of ["'__PROXYGEN_HOT__'", "'__PROXYGEN_V8_TAG__'"]) {
  if (!launcher.includes(placeholder)) throw new Error(`scripts/launcher.cjs lost its ${placeholder} placeholder`);
}
await writeFile(
  'dist/launcher.cjs',
  launcher
    .replace('__PROXYGEN_VERSION__', pkg.version)
    .replace("'__PROXYGEN_HOT__'", JSON.stringify(WARM_RUNS.map(([args]) => args[0])))
    .replace("'__PROXYGEN_V8_TAG__'", JSON.stringify(tag)),
);

const project = mkdtempSync(join(tmpdir(), 'proxygen-warm-'));
const config = join(project, 'proxygen.yaml');
await writeFile(config, await readFile('fixtures/pilot/proxygen.yaml', 'utf8'));
for (const [args, codes] of WARM_RUNS) {
  const warm = spawnSync(process.execPath, ['dist/launcher.cjs', ...args, '--config', config], { encoding: 'utf8', env: PLAIN_ENV });
  if (!codes.includes(warm.status)) throw new Error(`warming the code cache with ${args[0]} failed (${warm.status}): ${warm.stderr}`);
}
rmSync(project, { recursive: true, force: true });
