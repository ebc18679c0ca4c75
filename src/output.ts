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
