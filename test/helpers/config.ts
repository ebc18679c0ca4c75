import { parseConfigText } from '../../src/config/load.js';
import { resolveConfig, type Config } from '../../src/config/resolve.js';
import { buildPlan, type Plan } from '../../src/plan/plan.js';

export function configFrom(yaml: string, file = 'proxygen.yaml'): Config {
  const { source, config } = parseConfigText(file, yaml);
  return resolveConfig(config, source);
}

export function planFrom(yaml: string, allowlists: Record<string, string[]> = {}): Plan {
  return buildPlan(configFrom(yaml), 'proxygen.yaml', allowlists);
}

/** The UserError message (or '' when the text is valid). */
export function configMessage(yaml: string, file = 'proxygen.yaml'): string {
  try {
    configFrom(yaml, file);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
