// The only place that turns errors into output and exit codes. Each command's modules are
// imported by cli.ts only when that command runs.
import { buildCli, CommanderError } from './cli.js';
import { EXIT, ExitError, printable, UserError } from './errors.js';
import { writeErr } from './io/stdio.js';

async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitError) return error.code;
    if (error instanceof UserError) {
      // `file:line:col key: message` lines stay bare so editors and CI annotations can parse them.
      const lines = error.message.split('\n').map((line) => (/^[^\s:]+:\d+:\d+ /.test(line) ? line : `proxygen: ${line}`));
      writeErr(`${lines.join('\n')}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
      return error.code;
    }
    if (error instanceof CommanderError) {
      const shown = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      return shown ? EXIT.ok : EXIT.usage;
    }
    const system = error as NodeJS.ErrnoException;
    // The disk, the kernel or the network said no (ENOSPC, EACCES, EROFS, ENAMETOOLONG, ...).
    if (typeof system?.code === 'string' && typeof system.syscall === 'string') {
      const where = system.path && !system.message.includes(system.path) ? ` (${system.path})` : '';
      writeErr(`proxygen: ${printable(system.message + where)}\nhint: check free space, permissions and the path, then run the command again\n`);
      return EXIT.outside;
    }
    writeErr(`proxygen: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
