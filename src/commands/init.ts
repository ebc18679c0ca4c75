import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { parseConfigText } from '../config/load.js';
import { resolveConfig } from '../config/resolve.js';
import { ExitError, UserError } from '../errors.js';
import { detectImportKind, IMPORTERS, type Imported } from '../import/index.js';
import { composeConfig, nextSteps, SCHEMA_FILE } from '../init/compose.js';
import { fromFlag, problemWith, QUESTIONS, type Answers, type Question } from '../init/questions.js';
import { unifiedDiff } from '../io/diff.js';
import { readIfExists, writeFileAtomic } from '../io/write.js';
import { style, type GlobalOptions } from '../output.js';
import { loadProject } from '../project.js';
import { jsonSchema } from './schema.js';
import { writeProject } from './render.js';
import { writeErr, writeOut } from '../io/stdio.js';

export interface InitOptions extends GlobalOptions, Partial<Record<'preset' | 'domain' | 'upstream' | 'tls' | 'email' | 'cert' | 'key' | 'tunnel' | 'cloudflareTunnel' | 'credentialsFile' | 'targets', string>> {
  from?: string;
  fromKind?: string;
  yes?: boolean;
  force?: boolean;
}

type Ask = (question: Question, fallback: string | string[] | undefined) => Promise<string | string[]>;

async function importFrom(path: string, kind: string | undefined): Promise<Imported> {
  const file = path.replace(/^~(?=\/|$)/, homedir());
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UserError(`--from ${path}: cannot read`, 'give the app\'s config file, e.g. --from ~/.pilot/config.yaml');
  });
  if (kind && !IMPORTERS[kind]) throw new UserError(`--from-kind ${kind}: unknown kind`, `use one of ${Object.keys(IMPORTERS).join(', ')}`);
  const detected = kind ?? detectImportKind(text);
  if (!detected) throw new UserError(`--from ${path}: cannot tell which app this file belongs to`, `pass --from-kind ${Object.keys(IMPORTERS).join('|')}`);
  try {
    return IMPORTERS[detected]!.read(text);
  } catch {
    throw new UserError(`--from ${path}: not a readable ${detected} file`, 'check the file, or pass --from-kind');
  }
}

/** Walks the question table: a flag answers without asking; otherwise ask, or take the default. */
async function collect(options: InitOptions, imported: Imported | undefined, ask: Ask | null): Promise<Answers> {
  const answers: Partial<Answers> = {};
  for (const question of QUESTIONS) {
    if (question.when && !question.when(answers)) continue;
    const flag = options[question.key as keyof InitOptions] as string | undefined;
    const fallback = question.defaultValue(answers, imported);
    let value: string | string[] | undefined;
    if (flag !== undefined) {
      value = fromFlag(question, flag);
      const problem = problemWith(question, value);
      if (problem) throw new UserError(`${question.flag} ${flag}: ${problem}`, `proxygen init ${question.flag} <value>`);
    } else if (ask) value = await ask(question, fallback);
    else value = fallback;
    if (value === undefined || value === '') {
      if (question.optional) continue;
      throw new UserError(`${question.flag} is required when init asks nothing (--yes or no terminal on stdin)`, `proxygen init ${question.flag} <value> --yes`);
    }
    (answers as Record<string, unknown>)[question.key] = value;
  }
  return answers as Answers;
}

async function prompter(): Promise<Ask> {
  const { checkbox, input, select } = await import('@inquirer/prompts');
  return async (question, fallback) => {
    const validate = (value: unknown) => problemWith(question, value) ?? true;
    if (question.kind === 'select') return select({ message: question.message, choices: question.choices!.map((value) => ({ value })), default: fallback as string });
    if (question.kind === 'multi') return checkbox({ message: question.message, choices: question.choices!.map((value) => ({ value, checked: (fallback as string[] | undefined)?.includes(value) })), validate: (items) => validate(items.map((i) => i.value)) });
    return input({ message: question.message, default: fallback as string | undefined, validate: (value) => (question.optional && value === '' ? true : validate(value)) });
  };
}

export async function run(options: InitOptions): Promise<void> {
  const configPath = resolve(options.config);
  const interactive = !options.yes && !!process.stdin.isTTY;
  const imported = options.from ? await importFrom(options.from, options.fromKind) : undefined;
  for (const warning of imported?.warnings ?? []) writeErr(`${style.warn('warning:')} ${warning}\n`);
  const existing = await readIfExists(configPath);
  const shown = relative(process.cwd(), configPath) || configPath;
  if (existing !== null && !options.force) {
    const proposed = await collect(options, imported, null).then((answers) => composeConfig(answers, imported, options.from), () => null);
    if (proposed !== null && proposed !== existing) writeOut(`${unifiedDiff(existing, proposed, shown).trimEnd()}\n`);
    throw new UserError(`${shown} exists; nothing was written`, `proxygen init --force (with the same flags) replaces it${proposed !== null && proposed !== existing ? ' with what the diff above shows' : ''}`);
  }
  let answers: Answers;
  let accepted = true;
  try {
    answers = await collect(options, imported, interactive ? await prompter() : null);
    if (interactive) {
      writeOut(`\n${composeConfig(answers, imported, options.from)}\n`);
      accepted = await (await import('@inquirer/prompts')).confirm({ message: `Write ${shown} and render?`, default: true });
    }
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') {
      writeErr('cancelled; nothing was written\n');
      throw new ExitError(130);
    }
    throw error;
  }
  if (!accepted) {
    writeErr('nothing was written\n');
    return;
  }
  const text = composeConfig(answers, imported, options.from);
  // The same loader `render` uses: a config init writes always loads.
  const { source, config } = parseConfigText(configPath, text);
  resolveConfig(config, source);
  if (existing !== null && existing !== text) writeOut(`${unifiedDiff(existing, text, shown).trimEnd()}\n`);
  await writeFileAtomic(join(dirname(configPath), SCHEMA_FILE), `${JSON.stringify(jsonSchema(), null, 2)}\n`);
  await writeFileAtomic(configPath, text);
  const project = await loadProject(configPath);
  const { results } = await writeProject(project);
  const steps = nextSteps(answers, configPath, { hasAllowlists: project.plan.allowlists.length > 0, tunnel: project.config.tunnel.cloudflare.tunnel, credentials: project.config.tunnel.cloudflare.credentials_file });
  if (options.json) {
    writeOut(`${JSON.stringify({ config: configPath, schema: join(dirname(configPath), SCHEMA_FILE), answers, warnings: imported?.warnings ?? [], files: results, nextSteps: steps }, null, 2)}\n`);
    return;
  }
  const outputDir = relative(process.cwd(), project.outputDir) || '.';
  writeOut(`wrote ${shown} and ${SCHEMA_FILE}; rendered ${results.length} files under ${outputDir}/\n\nNext steps:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`);
}
