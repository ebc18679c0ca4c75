// A reader that went away (`proxygen check | head -1`) is no error: nothing is left to tell it.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

export const writeOut = (text: string): void => void process.stdout.write(text);
export const writeErr = (text: string): void => void process.stderr.write(text);

export const isTerminal = (fd: 1 | 2): boolean => (fd === 1 ? process.stdout : process.stderr).isTTY === true;
