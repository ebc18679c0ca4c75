import * as z from 'zod/mini';
import { configFileSchema } from '../config/schema.js';
import { writeOut } from '../io/stdio.js';

export function jsonSchema(): object {
  return { $id: 'https://proxygen.dev/schema/proxygen.v1.json', ...z.toJSONSchema(configFileSchema, { io: 'input', target: 'draft-2020-12' }) };
}

export async function run(): Promise<void> {
  writeOut(`${JSON.stringify(jsonSchema(), null, 2)}\n`);
}
