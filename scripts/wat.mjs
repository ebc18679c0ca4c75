// WebAssembly text is assembled at build time (wabt, a dev dependency) and ships as base64 in
// the bundle; the CLI itself only instantiates the bytes.
import initWabt from 'wabt';
import { buildTimeModules } from './build-time-modules.mjs';

let wabt;

export async function watModule(source, path) {
  wabt ??= await initWabt();
  const parsed = wabt.parseWat(path, source);
  try {
    parsed.validate();
    return `export default ${JSON.stringify(Buffer.from(parsed.toBinary({}).buffer).toString('base64'))};`;
  } finally {
    parsed.destroy();
  }
}

export const watPlugins = buildTimeModules('wat', '.wat', watModule);
