import type * as Yaml from 'yaml';

// `yaml` is initialised on first use: most configs are read by the subset reader, and only an
// error's position, check's line numbers or a file outside the subset need it. The build ships
// it as its own file (dist/vendor/yaml.cjs) that this require loads; vitest's module runner
// provides require as Node does.
let lib: typeof Yaml | undefined;

export function yamlLib(): typeof Yaml {
  return (lib ??= require('yaml') as typeof Yaml);
}
