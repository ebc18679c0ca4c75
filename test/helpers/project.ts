import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputFile } from '../../src/targets/index.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

export const scenarios = (): string[] =>
  readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(FIXTURES, entry.name, 'proxygen.yaml')))
    .map((entry) => entry.name)
    .sort();

export { caddyParts } from '../../src/io/validators.js';
import { nginxParts as parts } from '../../src/io/validators.js';

export const nginxParts = (files: OutputFile[], allowlistDir = 'proxygen/allowlists') => parts(files, allowlistDir);
