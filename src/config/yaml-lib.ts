import { LineCounter, parseDocument, type Document } from 'yaml';

export interface YamlDocument {
  doc: Document;
  lines: LineCounter;
}

/** yaml's Document of a text and its line index, duplicate keys refused. */
export function yamlDocument(text: string): YamlDocument {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, lineCounter: lines }), lines };
}
