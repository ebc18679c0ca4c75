// The CLI as ES modules (dist/proxygen.mjs), templates precompiled, split where it imports lazily:
// each command, inquirer, undici and ws are in files of their own, read only by a run that needs them.
import { readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';
import { hbsPlugins } from './hbs.mjs';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });

// Each npm package marks itself in globalThis.__proxygenPackages when it is initialised (a no-op
// unless a test defines the set): how test/bundle.test.ts proves what a command loads.
const markPackages = {
  name: 'mark-packages',
  setup(b) {
    b.onLoad({ filter: /node_modules\/.*\.(c|m)?js$/ }, async (args) => {
      const inPackage = args.path.split('node_modules/').pop();
      const name = inPackage.split('/').slice(0, inPackage.startsWith('@') ? 2 : 1).join('/');
      const contents = await readFile(args.path, 'utf8');
      const shebang = contents.startsWith('#!') ? contents.slice(0, contents.indexOf('\n') + 1) : '';
      return { contents: `${shebang}globalThis.__proxygenPackages?.add(${JSON.stringify(name)});\n${contents.slice(shebang.length)}`, loader: 'js' };
    });
  },
};

await build({
  entryPoints: { proxygen: 'src/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  splitting: true,
  // CommonJS dependencies (commander, handlebars, ...) call require for Node's own modules.
  banner: { js: "import { createRequire as __proxygenRequire } from 'node:module'; const require = __proxygenRequire(import.meta.url);" },
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __PROXYGEN_VERSION__: JSON.stringify(pkg.version), __PROXYGEN_SNAPSHOT__: JSON.stringify('../fixtures/github-meta-snapshot.json') },
  plugins: [hbsPlugins.esbuild, markPackages],
});
