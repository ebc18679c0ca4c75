// Type-only: loads Handlebars' declarations (TemplateSpecification, handlebars/runtime).
import type {} from 'handlebars';
import Handlebars from 'handlebars/runtime';

// Templates are precompiled with noEscape + strict (scripts/hbs.mjs); values reaching them were
// validated by the schema, so nothing is escaped here.
const env = Handlebars.create();

env.registerHelper({
  join: (list: unknown[], separator: string) => list.join(typeof separator === 'string' ? separator : ' '),
  eq: (a: unknown, b: unknown) => a === b,
});

export type Template = (data: object) => string;

export function template(spec: TemplateSpecification): Template {
  const compiled = env.template(spec);
  return (data) => compiled(data);
}

export function partial(name: string, spec: TemplateSpecification): void {
  env.registerPartial(name, env.template(spec));
}
