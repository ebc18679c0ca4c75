import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hbsEsbuildPlugin } from './hbs.mjs';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
const result = await build({
  entryPoints: { proxygen: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  metafile: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: { __PROXYGEN_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  plugins: [hbsEsbuildPlugin()],
  logLevel: 'warning',
});
await writeFile('dist/meta.json', JSON.stringify(result.metafile));
