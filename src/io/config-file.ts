import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { basename, normalize } from 'node:path';
import { parseConfigText } from '../config/load.js';
import type { ConfigFile } from '../config/schema.js';
import type { ConfigSource } from '../config/load.js';
import { EXIT, printable, UserError } from '../errors.js';

/** Larger than any real site's file (20,000 routes fit); refused before it is read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
// The file's name is printed in every generated file's header comment and in firewall/ufw.sh.
const SAFE_NAME = /^[A-Za-z0-9._@+-]{1,100}$/;

export async function readConfigFile(path: string): Promise<{ source: ConfigSource; config: ConfigFile }> {
  const file = normalize(path);
  if (!SAFE_NAME.test(basename(file))) {
    throw new UserError(`${printable(file)}: a config file name of A-Z a-z 0-9 . _ @ + - only (at most 100), since it is written into every output`, 'rename the file, e.g. proxygen.yaml');
  }
  let text: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const stat = fstatSync(fd);
      const { size } = stat;
      if (!stat.isFile()) throw new UserError(`${file}: not a regular file`, 'pass --config FILE');
      if (size > MAX_CONFIG_BYTES) throw new UserError(`${file}: ${size} bytes; a config file is at most ${MAX_CONFIG_BYTES} bytes`, 'split the site, or remove what is not needed');
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file`, 'create one with `proxygen init`, or pass --config FILE');
    throw new UserError(`${file}: cannot read (${code ?? 'error'})`, 'check the path and its permissions', EXIT.outside);
  }
  return parseConfigText(file, text);
}
