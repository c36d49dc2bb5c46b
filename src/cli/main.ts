import { text } from 'node:stream/consumers';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError, configDescriptions, loadConfig } from '../config.ts';
import { DomainError } from '../core/errors.ts';
import { adminCommands } from './admin.ts';
import { appCommands } from './app.ts';
import {
  CliError,
  type Command,
  type CommandContext,
  type CommandGroup,
  checkArgs,
  commandHelp,
  createArgs,
  GLOBAL_OPTIONS,
  groupHelp,
  type OptionSpec,
  type RawValues,
  UsageError,
} from './command.ts';
import { keysCommands } from './keys.ts';
import { migrateCommand } from './migrate.ts';
import { createOutput, type Output, type Streams } from './output.ts';
import { serveCommand } from './serve.ts';
import { tenantCommands } from './tenant.ts';
import { userCommands } from './user.ts';
import { userFlowCommands } from './user-flow.ts';
import { policyCommands } from './policy.ts';

/** The dispatch table: the first word picks a command or a group, the second a group's command. */
const COMMANDS: Readonly<Record<string, Command | CommandGroup>> = {
  serve: serveCommand,
  migrate: migrateCommand,
  tenant: tenantCommands,
  app: appCommands,
  user: userCommands,
  keys: keysCommands,
  admin: adminCommands,
  userflow: userFlowCommands,
  policy: policyCommands,
};

const isGroup = (entry: Command | CommandGroup): entry is CommandGroup => 'subcommands' in entry;
const isHelpFlag = (token: string) => token === '--help' || token === '-h';

function mainHelp(): string[] {
  const rows = Object.entries(COMMANDS).flatMap(([name, entry]) =>
    isGroup(entry) ? Object.entries(entry.subcommands).map(([sub, command]) => [`${name} ${sub}`, command.summary] as const) : [[name, entry.summary] as const],
  );
  const width = Math.max(...rows.map(([name]) => name.length));
  const envWidth = Math.max(...Object.keys(configDescriptions).map((key) => key.length));
  return [
    'Latchkey: a self-hosted customer identity service (OpenID Connect provider).',
    '',
    'Usage: latchkey <command> [options]',
    '',
    'Commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'Global options:',
    `  --json      ${GLOBAL_OPTIONS.json?.help ?? ''}`,
    '  -h, --help  Show help; "latchkey <command> --help" or "latchkey help <command>" for one command.',
    '',
    'Exit codes: 0 done; 1 refused (error <code>: <message>); 2 bad usage or configuration.',
    '',
    'Environment (the same configuration as the server):',
    ...Object.entries(configDescriptions).map(([key, description]) => `  ${key.padEnd(envWidth)}  ${description}`),
  ];
}

/** The command (or group) that `words` name, with the words it used up. */
function resolve(words: readonly string[]): { path: string; entry: Command | CommandGroup; rest: string[] } {
  const [first, ...after] = words;
  const entry = first === undefined ? undefined : COMMANDS[first];
  if (first === undefined || entry === undefined) throw new UsageError(`unknown command "${first ?? ''}"`);
  return descend(first, entry, after);
}

/** Follows the words into nested groups (`admin apikey create`) until a command or an option. */
function descend(path: string, entry: Command | CommandGroup, rest: string[]): { path: string; entry: Command | CommandGroup; rest: string[] } {
  const [next, ...after] = rest;
  if (!isGroup(entry) || next === undefined || next.startsWith('-')) return { path, entry, rest };
  const command = entry.subcommands[next];
  if (!command) throw new UsageError(`unknown command "${path} ${next}" (${Object.keys(entry.subcommands).join(', ')})`);
  return descend(`${path} ${next}`, command, after);
}

function helpFor(words: readonly string[]): string[] {
  if (words.length === 0) return mainHelp();
  const { path, entry, rest } = resolve(words);
  if (rest.length > 0) throw new UsageError(`unknown command "${words.join(' ')}"`);
  return isGroup(entry) ? groupHelp(path, entry) : commandHelp(path, entry);
}

function parseCommandArgs(tokens: string[], command: Command): { values: RawValues; positionals: string[] } {
  const specs: Record<string, OptionSpec> = { ...(command.options ?? {}), ...GLOBAL_OPTIONS };
  const options: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false, ...(spec.short ? { short: spec.short } : {}) }]),
  );
  try {
    const { values, positionals } = parseArgs({ args: tokens, options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    // parseArgs reports bad command lines as TypeErrors with an ERR_PARSE_ARGS_* code.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((error as Error).message);
    throw error;
  }
}

function createContext(out: Output, command: Command, parsed: { values: RawValues; positionals: string[] }): CommandContext {
  return {
    args: createArgs(parsed.values, parsed.positionals, command),
    out,
    loadConfig: () => loadConfig(),
    async withServices(fn) {
      const config = loadConfig();
      if (config.secretGenerated) {
        out.note(
          'warning: LATCHKEY_SECRET is not set, so a new master key was generated into LATCHKEY_DATA_DIR. ' +
            'The server must use the same key, or it cannot use the signing keys made here.',
        );
      }
      // Why lazy: the store, crypto and mail stack load only for commands that use them, so
      // `--help` and usage errors answer at once.
      const { createServices } = await import('../services.ts');
      const services = await createServices(config).catch((error: unknown) => {
        throw new CliError('database_error', `Cannot open or migrate the database: ${error instanceof Error ? error.message : String(error)}`);
      });
      try {
        return await fn(services, config);
      } finally {
        await services.close();
      }
    },
    async readStdin() {
      if (process.stdin.isTTY) out.note('Reading from standard input: type, then press Enter and Ctrl-D.');
      return text(process.stdin);
    },
  };
}

/** Help is a result like any other: text for people, `{"help": "…"}` with --json. */
function printHelp(out: Output, lines: string[]): void {
  out.result({ help: lines.join('\n') }, lines);
}

/** Runs one command line and returns the process exit code; expected failures print no stack. */
export async function runCli(argv: readonly string[], streams?: Streams): Promise<number> {
  const beforeTerminator = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const out = createOutput(beforeTerminator.includes('--json'), streams);
  let hint = 'Run "latchkey --help" for usage.';
  try {
    // Global flags may come before the command words: `latchkey --json tenant list`.
    const leading = argv.findIndex((token) => !token.startsWith('-'));
    const globals = leading === -1 ? [...argv] : argv.slice(0, leading);
    const words = leading === -1 ? [] : argv.slice(leading);
    const unknown = globals.find((token) => token !== '--json' && !isHelpFlag(token));
    if (unknown !== undefined) throw new UsageError(`unknown option "${unknown}" before the command`);
    const wantsHelp = globals.some(isHelpFlag);

    if (words[0] === 'help') {
      printHelp(out, helpFor(words.slice(1)));
      return 0;
    }
    if (words.length === 0) {
      if (!wantsHelp) throw new UsageError('missing command');
      printHelp(out, mainHelp());
      return 0;
    }
    const { path, entry, rest } = resolve(words);
    hint = `Run "latchkey ${path} --help" for usage.`;
    if (isGroup(entry)) {
      if (!wantsHelp && !rest.some(isHelpFlag)) throw new UsageError(`missing command after "${path}" (${Object.keys(entry.subcommands).join(', ')})`);
      printHelp(out, groupHelp(path, entry));
      return 0;
    }
    const parsed = parseCommandArgs(rest, entry);
    if (wantsHelp || parsed.values.help === true) {
      printHelp(out, commandHelp(path, entry));
      return 0;
    }
    checkArgs(parsed.values, parsed.positionals, entry);
    await entry.run(createContext(out, entry, parsed));
    return 0;
  } catch (error) {
    return report(out, error, hint);
  }
}

function report(out: Output, error: unknown, hint: string): number {
  if (error instanceof DomainError) {
    out.error(error.code, error.message);
    return 1;
  }
  if (error instanceof ConfigError) {
    out.error('invalid_config', error.message);
    return 2;
  }
  if (error instanceof CliError) {
    out.error(error.code, error.message, error instanceof UsageError ? [hint] : []);
    return error.exitCode;
  }
  // A bug or an outage we did not anticipate: the stack is what someone needs to fix it.
  const message = error instanceof Error ? error.message : String(error);
  out.error('internal', message, error instanceof Error && error.stack ? [error.stack] : []);
  return 1;
}

process.exitCode = await runCli(process.argv.slice(2));
