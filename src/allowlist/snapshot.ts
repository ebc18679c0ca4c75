/** The bundled GitHub meta snapshot, read one section at a time. */
export interface Snapshot {
  taken: string;
  section(name: string): string[];
}

// The snapshot is our own file, one `"name":[...]` array per section, and its CIDR strings hold
// no `]`. Parsing only the sections a config names skips thousands of strings (actions alone is
// 5,402) that a render of the hooks list would allocate and the young generation then copies.
export function readSnapshot(text: string): Snapshot {
  let whole: { taken: string; sections: Record<string, string[]> } | undefined;
  const parseWhole = () => (whole ??= JSON.parse(text) as { taken: string; sections: Record<string, string[]> });
  const taken = /"taken":"([^"\\]*)"/.exec(text)?.[1] ?? parseWhole().taken;
  return {
    taken,
    section(name) {
      const start = text.indexOf(`"${name}":[`);
      if (start < 0) return parseWhole().sections[name] ?? [];
      const open = start + name.length + 3;
      return JSON.parse(text.slice(open, text.indexOf(']', open) + 1)) as string[];
    },
  };
}
