/** Exit codes are part of the contract (SPEC "Commands"). */
export const EXIT = { ok: 0, findings: 1, usage: 2, outside: 3, rolledBack: 4, reloadFailed: 5 } as const;

/** A mistake the user can fix: printed as one line plus a hint, never with a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly code: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Ends the process with `code` after the command already printed what it had to say. */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitError';
  }
}

/**
 * Text from a file or a user, safe to print on one terminal line: control characters, escape
 * sequences and non-ASCII are shown as JSON escapes, so a value cannot forge a line or recolour one.
 */
export function printable(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : JSON.stringify(text).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
