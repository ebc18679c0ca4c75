import { PRESETS } from '../presets/index.js';
import type { GlobalOptions } from '../output.js';
import { writeOut } from '../io/stdio.js';

export async function run(options: GlobalOptions): Promise<void> {
  const rows = Object.entries(PRESETS).map(([name, preset]) => ({
    name,
    seed: preset.seed,
    upstream: preset.values.upstream,
    summary: preset.summary,
    routes: (preset.values.routes ?? []).length,
  }));
  if (options.json) {
    writeOut(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = rows.map((r) => `${r.name.padEnd(width)}  ${r.summary} [seed ${r.seed}]`);
  lines.push(`${'none'.padEnd(width)}  no defaults: set upstream and routes yourself`);
  writeOut(`${lines.join('\n')}\n`);
}
