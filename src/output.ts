import { isTerminal } from './io/stdio.js';

export interface GlobalOptions {
  config: string;
  json?: boolean;
  color?: boolean;
}

type Paint = (text: string) => string;
const plain: Paint = (text) => text;
let paint: Record<'green' | 'yellow' | 'dim' | 'red', Paint> = { green: plain, yellow: plain, dim: plain, red: plain };

/** chalk loads only when colour can show (a terminal, or FORCE_COLOR): cron and CI never pay for it. */
export async function configureColor(options: { color?: boolean }): Promise<void> {
  const env = process.env;
  const wanted = options.color !== false && !('NO_COLOR' in env) && (env.FORCE_COLOR !== undefined ? env.FORCE_COLOR !== '0' : isTerminal(1) || isTerminal(2));
  if (!wanted) return;
  const { default: chalk } = await import('chalk');
  if (chalk.level > 0) paint = { green: chalk.green, yellow: chalk.yellow, dim: chalk.dim, red: chalk.red };
}

const STATUS_COLOR: Record<string, 'green' | 'yellow' | 'red' | 'dim'> = { created: 'green', updated: 'yellow', removed: 'red', unchanged: 'dim', kept: 'dim' };

export const style = {
  status: (status: string) => (STATUS_COLOR[status] ? paint[STATUS_COLOR[status]!] : plain)(status.padEnd(9)),
  warn: (text: string) => paint.yellow(text),
  error: (text: string) => paint.red(text),
  dim: (text: string) => paint.dim(text),
};

const FRAMES = ['-', '\\', '|', '/'];

/** A one-line spinner on an interactive stderr; silent under cron. Returns the stop function. */
export function spinner(label: string, enabled: boolean): () => void {
  if (!enabled || !isTerminal(2)) return () => undefined;
  let frame = 0;
  const timer = setInterval(() => process.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}`), 100);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}
