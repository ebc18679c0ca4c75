import { fstatSync, statSync, writeSync } from 'node:fs';

// Output goes straight to the file descriptors: the first touch of process.stdout builds a
// stream, and for a pipe or a terminal a net.Socket with the whole stream stack (about 5 ms of a
// 100 ms command). On Linux process.stdout writes files, pipes and terminals synchronously too,
// so the two never reorder; after an EAGAIN (a non-blocking descriptor that is full) the rest
// goes through the stream, which waits for it.
let throughStreams = false;

function write(fd: 1 | 2, text: string): void {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  if (throughStreams) {
    stream().write(text);
    return;
  }
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The reader went away (`proxygen check | head -1`): nothing left to tell it.
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw error;
      throughStreams = true;
      stream().write(bytes.subarray(offset));
      return;
    }
  }
}

export const writeOut = (text: string): void => write(1, text);
export const writeErr = (text: string): void => write(2, text);

/**
 * Like `stream.isTTY` without building the stream; tty (which brings net and the stream stack,
 * about 5 ms) is loaded only for a character device other than /dev/null, where cron sends output.
 */
export function isTerminal(fd: 1 | 2): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice() || stat.rdev === statSync('/dev/null').rdev) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}
