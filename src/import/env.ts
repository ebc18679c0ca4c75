/** KEY=VALUE lines as shells and dotenv write them (`export`, quotes, comments). */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split('\n').flatMap((line) => {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      return match ? [[match[1]!, match[2]!.replace(/^(['"])(.*)\1$/, '$2')]] : [];
    }),
  );
}
