import type { ConfigFile, PresetName } from '../config/schema.js';

/** What an importer makes of an app's own config: values for proxygen.yaml, and what to tell the user. */
export interface Imported {
  kind: string;
  preset: PresetName;
  values: Partial<ConfigFile>;
  /** Each names the key in the app's file and what to do; never a value that could be a secret. */
  warnings: string[];
}
