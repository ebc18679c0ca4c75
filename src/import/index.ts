import { importPilot } from './pilot.js';
import { importPipegate } from './pipegate.js';
import type { Imported } from './types.js';

export type { Imported } from './types.js';

/** One importer per app, and how to recognise its file by content. */
export const IMPORTERS: Record<string, { describe: string; detect: (text: string) => boolean; read: (text: string) => Imported }> = {
  pilot: { describe: "Pilot's config.yaml (gateway, tunnel, adapters)", detect: (text) => /^(gateway|adapters|tunnel):/m.test(text), read: importPilot },
  pipegate: { describe: "PipeGate's environment file (PIPEGATE_*)", detect: (text) => /^\s*(export\s+)?PIPEGATE_[A-Z_]+=/m.test(text), read: importPipegate },
};

export const detectImportKind = (text: string): string | undefined => Object.entries(IMPORTERS).find(([, importer]) => importer.detect(text))?.[0];
