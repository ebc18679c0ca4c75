// WebAssembly text is assembled at build time (wabt, a dev dependency) and ships as base64 in
// the bundle; the CLI itself only instantiates the bytes.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import initWabt from 'wabt';
import { buildTimeModules } from './build-time-modules.mjs';

let wabt;

// A line `;; @splice other.wat` is replaced by that file (functions without a module of their
// own): one module stays under the length of a readable file, and compiles once.
const SPLICE = /^[ \t]*;; @splice (\S+\.wat)[ \t]*$/gm;

export async function watModule(source, path) {
  wabt ??= await initWabt();
  const text = source.replace(SPLICE, (_, file) => readFileSync(join(dirname(path), file), 'utf8'));
  const parsed = wabt.parseWat(path, text);
  try {
    parsed.validate();
    return `export default ${JSON.stringify(Buffer.from(parsed.toBinary({}).buffer).toString('base64'))};`;
  } finally {
    parsed.destroy();
  }
}

export const watPlugins = buildTimeModules('wat', '.wat', watModule);
