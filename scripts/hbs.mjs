// Templates are precompiled at build time so only Handlebars' runtime ships in the CLI.
import Handlebars from 'handlebars';
import { buildTimeModules } from './build-time-modules.mjs';

// No @data variables and no `../` in the templates (a test holds them to it): then Handlebars keeps
// one wrapper per block instead of building a closure, and a copy of the parent chain, at every
// {{#if}} and every #each item (5,000 routes: thousands of each per file).
export const HBS_OPTIONS = { noEscape: true, strict: true, knownHelpersOnly: false, data: false };

export function hbsModule(source) {
  // A copy: the compiler writes into its options (a template's @-variable turns `data` on for the
  // rest of the process).
  return `export default ${Handlebars.precompile(source, { ...HBS_OPTIONS })};`;
}

export const hbsPlugins = buildTimeModules('hbs', '.hbs', hbsModule);
