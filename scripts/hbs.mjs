// Templates are precompiled at build time so only Handlebars' runtime ships in the CLI.
import Handlebars from 'handlebars';

export const HBS_OPTIONS = { noEscape: true, strict: true, knownHelpersOnly: false };

export function hbsModule(source) {
  return `export default ${Handlebars.precompile(source, HBS_OPTIONS)};`;
}

export function hbsEsbuildPlugin() {
  return {
    name: 'hbs',
    setup(build) {
      // `?raw` imports (the allowlist snapshot) as a string, the same as Vite does in tests.
      build.onResolve({ filter: /\?raw$/ }, (args) => ({ path: new URL(args.path.slice(0, -4), `file://${args.resolveDir}/`).pathname, namespace: 'raw' }));
      build.onLoad({ filter: /.*/, namespace: 'raw' }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        return { contents: await readFile(args.path, 'utf8'), loader: 'text' };
      });
      build.onLoad({ filter: /\.hbs$/ }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        return { contents: hbsModule(await readFile(args.path, 'utf8')), loader: 'js' };
      });
    },
  };
}

export function hbsVitePlugin() {
  return {
    name: 'hbs',
    transform(code, id) {
      return id.endsWith('.hbs') ? { code: hbsModule(code), map: null } : undefined;
    },
  };
}
