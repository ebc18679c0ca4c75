// Templates are precompiled at build time so only Handlebars' runtime ships in the CLI.
import Handlebars from 'handlebars';
import { buildTimeModules } from './build-time-modules.mjs';

export const HBS_OPTIONS = { noEscape: true, strict: true };

export function hbsModule(source) {
  // A copy: the compiler writes into the options it is given.
  return `export default ${Handlebars.precompile(source, { ...HBS_OPTIONS })};`;
}

export const hbsPlugins = buildTimeModules('hbs', '.hbs', hbsModule);
