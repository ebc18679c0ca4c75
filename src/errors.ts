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
