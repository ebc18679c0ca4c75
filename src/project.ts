import { basename, resolve } from 'node:path';
import type { ConfigSource } from './config/load.js';
import { resolveConfig, type Config } from './config/resolve.js';
import type { TargetName } from './config/schema.js';
import { seedAllowlists } from './io/allowlists.js';
import { readConfigFile } from './io/config-file.js';
import { buildPlan, type Plan } from './plan/plan.js';
import { renderTargets, type OutputFile } from './targets/index.js';

export interface Project {
  source: ConfigSource;
  configPath: string;
  config: Config;
  plan: Plan;
  outputDir: string;
  targets: TargetName[];
  files: OutputFile[];
  /** Where allowlist contents came from, or null when the config has none. */
  allowlistOrigin: string | null;
}

/**
 * Config file -> validated config -> plan -> files in memory. Reads only; writes nothing.
 * `seed: false` leaves allowlists empty in the plan, for refresh-allowlist, which reads the
 * current lists from disk and would otherwise merge the bundled snapshot for nothing.
 * `adjust` changes the resolved config before planning (apply: per-site allowlist paths);
 * `stateDir` is where the last refresh's lists are read from (default: the output directory).
 */
export async function loadProject(configPath: string, options: { out?: string; targets?: TargetName[]; render?: boolean; seed?: boolean; adjust?: (config: Config) => Config; stateDir?: (config: Config) => string } = {}): Promise<Project> {
  const { source, config: file } = await readConfigFile(configPath);
  const resolved = resolveConfig(file, source);
  const config = options.adjust ? options.adjust(resolved) : resolved;
  const outputDir = resolve(options.out ?? resolve(configPath, '..', config.output));
  const { cidrs, origin } = options.seed === false ? { cidrs: {}, origin: null } : await seedAllowlists(config, options.stateDir?.(config) ?? outputDir);
  const plan = buildPlan(config, basename(configPath), cidrs);
  const targets = options.targets ?? config.targets;
  return { source, configPath, config, plan, outputDir, targets, files: options.render === false ? [] : renderTargets(plan, targets, config.preset), allowlistOrigin: origin };
}
