// Type-only: loads Handlebars' declarations (TemplateSpecification, handlebars/runtime).
import type {} from 'handlebars';
import Handlebars from 'handlebars/runtime';

// Templates are precompiled with noEscape + strict (scripts/hbs.mjs); values reaching them were
// validated by the schema, so nothing is escaped here.
const env = Handlebars.create();

interface BlockOptions {
  fn: (context: unknown, options: object) => string;
  inverse: (context: unknown) => string;
  data?: object;
}
const builtinEach = env.helpers.each as (this: unknown, context: unknown, options: BlockOptions) => string;

const helpers = {
  // Handlebars' own #each appends each item to one string, a tree of thousands of short pieces
  // that stays alive until the file is written; joining an array makes one flat string per list,
  // and the pieces die young (5,000 routes: a quarter less garbage-collection time). Anything else,
  // and a template with @-variables (ours have none; hbs.test.ts), keeps the built-in.
  each(this: unknown, context: unknown, options: BlockOptions): string {
    if (!Array.isArray(context) || options.data) return builtinEach.call(this, context, options);
    if (context.length === 0) return options.inverse(this);
    const parts = new Array<string>(context.length);
    for (let i = 0; i < context.length; i++) parts[i] = options.fn(context[i], { blockParams: [context[i], i] });
    return parts.join('');
  },
  join: (list: unknown[], separator: string) => list.join(typeof separator === 'string' ? separator : ' '),
  eq: (a: unknown, b: unknown) => a === b,
};
env.registerHelper(helpers);

export type Template = (data: object) => string;

export function template(spec: TemplateSpecification): Template {
  const compiled = env.template(spec);
  return (data) => compiled(data);
}

export function partial(name: string, spec: TemplateSpecification): void {
  env.registerPartial(name, env.template(spec));
}
