/** Figures as the table prints them. */
export const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
export const seconds = (value: number) => `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)} s`;
