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
