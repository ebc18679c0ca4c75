import chalk from 'chalk';

export interface GlobalOptions {
  config: string;
  json?: boolean;
  color?: boolean;
}

export function configureColor(options: { color?: boolean }): void {
  if (options.color === false || 'NO_COLOR' in process.env) chalk.level = 0;
}

const STATUS_COLOR: Record<string, (text: string) => string> = {
  created: chalk.green,
  updated: chalk.yellow,
  unchanged: chalk.dim,
  kept: chalk.dim,
};

export const style = {
  status: (status: string) => (STATUS_COLOR[status] ?? String)(status.padEnd(9)),
  warn: (text: string) => chalk.yellow(text),
  error: (text: string) => chalk.red(text),
  dim: (text: string) => chalk.dim(text),
};

const FRAMES = ['-', '\\', '|', '/'];

/** A one-line spinner on an interactive stderr; silent under cron. Returns the stop function. */
export function spinner(label: string, enabled: boolean): () => void {
  if (!enabled || !process.stderr.isTTY) return () => undefined;
  let frame = 0;
  const timer = setInterval(() => process.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}`), 100);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}
