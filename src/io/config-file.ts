import { readFileSync } from 'node:fs';
import { normalize } from 'node:path';
import { parseConfigText } from '../config/load.js';
import type { ConfigFile } from '../config/schema.js';
import type { ConfigSource } from '../config/load.js';
import { UserError } from '../errors.js';

export async function readConfigFile(path: string): Promise<{ source: ConfigSource; config: ConfigFile }> {
  const file = normalize(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file`, 'create one with `proxygen init`, or pass --config FILE');
    throw new UserError(`${file}: cannot read (${code ?? 'error'})`, 'check the path and its permissions');
  }
  return parseConfigText(file, text);
}
