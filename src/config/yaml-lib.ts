import type * as Yaml from 'yaml';
import type { Document, LineCounter } from 'yaml';

// `yaml` is initialised on first use: most configs are read by the subset reader, and only an
// error's position, check's line numbers or a file outside the subset need it. The build ships
// it as its own file (dist/vendor/yaml.cjs) that this require loads; vitest's module runner
// provides require as Node does.
let lib: typeof Yaml | undefined;

export function yamlLib(): typeof Yaml {
  return (lib ??= require('yaml') as typeof Yaml);
}

const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

export interface YamlDocument {
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** yaml's Document of a text and its line index, parsed at the first access of either. */
export function lazyDocument(text: string): YamlDocument {
  let parsed: YamlDocument | undefined;
  const load = (): YamlDocument => {
    if (!parsed) {
      const yaml = yamlLib();
      const lines = new yaml.LineCounter();
      parsed = { doc: yaml.parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines }), lines };
    }
    return parsed;
  };
  return {
    get doc() {
      return load().doc;
    },
    get lines() {
      return load().lines;
    },
  };
}
