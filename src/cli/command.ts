import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import type { Output } from './output.ts';

/**
 * One option of a command. Both the `node:util` parseArgs configuration and the help text are
 * derived from this, so the two cannot drift apart.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder for the value in help, e.g. `URI`. */
  value?: string;
  /** A one-letter alias, e.g. `h` for `-h`. */
  short?: string;
  /** May be given more than once; the values arrive as a list. */
  multiple?: boolean;
  /** Checked before the command runs; a missing one is a usage error (exit 2). */
  required?: boolean;
  help: string;
}

/** A leaf command such as `tenant create`. */
export interface Command {
  summary: string;
  /** Required positional arguments, in order. */
  positionals?: readonly string[];
  options?: Readonly<Record<string, OptionSpec>>;
  /** Extra paragraphs for `--help`. */
  notes?: readonly string[];
  run(ctx: CommandContext): Promise<void>;
}

/** Commands that share a first word, such as `tenant create` and `tenant list`; a group may nest (`admin apikey create`). */
export interface CommandGroup {
  summary: string;
  subcommands: Readonly<Record<string, Command | CommandGroup>>;
}

/** What a command gets: its parsed arguments, the output, and access to the services. */
export interface CommandContext {
  args: Args;
  out: Output;
  /** Loads the configuration (throws ConfigError), as the server would. */
  loadConfig(): Config;
  /** Opens and migrates the database, runs `fn` and always closes the database again. */
  withServices<T>(fn: (services: Services, config: Config) => Promise<T>): Promise<T>;
  /** All of standard input, as UTF-8. */
  readStdin(): Promise<string>;
}

/** A failure the CLI expects and explains itself: printed as `error <code>: <message>`, no stack. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Bad command line: printed with a pointer to the command's help, exit code 2. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super('usage', message, 2);
  }
}

/** The values parseArgs returns, before we narrow them. */
export type RawValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Typed access to a command's parsed arguments. */
export interface Args {
  positional(name: string): string;
  string(name: string): string | undefined;
  /** A required string option (the spec says so, and it was checked before `run`). */
  required(name: string): string;
  list(name: string): string[];
  flag(name: string): boolean;
}

export function createArgs(values: RawValues, positionals: readonly string[], command: Command): Args {
  const names = command.positionals ?? [];
  const string = (name: string) => {
    const value = values[name];
    if (Array.isArray(value)) return value.map(String).at(-1);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    positional(name) {
      const value = positionals[names.indexOf(name)];
      if (value === undefined) throw new UsageError(`missing <${name}>`);
      return value;
    },
    string,
    required(name) {
      const value = string(name);
      if (value === undefined) throw new UsageError(`missing --${name}`);
      return value;
    },
    list(name) {
      const value = values[name];
      if (value === undefined) return [];
      return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    },
    flag: (name) => values[name] === true,
  };
}

/** Checks positional count and required options; parseArgs itself rejects unknown options. */
export function checkArgs(values: RawValues, positionals: readonly string[], command: Command): void {
  const names = command.positionals ?? [];
  if (positionals.length < names.length) throw new UsageError(`missing <${names[positionals.length]}>`);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument "${positionals[names.length]}"`);
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    if (spec.required && values[name] === undefined) throw new UsageError(`missing --${name}`);
    const value = values[name];
    if (spec.type === 'string' && (typeof value === 'string' ? [value] : Array.isArray(value) ? value : []).some((v) => v === '')) {
      throw new UsageError(`--${name} needs a non-empty value`);
    }
  }
}

/** The global options every command accepts. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', help: 'Machine-readable output: one JSON document on stdout; errors as JSON on stderr.' },
  help: { type: 'boolean', short: 'h', help: 'Show this help.' },
};

const optionLabel = (name: string, spec: OptionSpec) =>
  `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;

/** The full `--help` text of a command. */
export function commandHelp(path: string, command: Command): string[] {
  const options = { ...(command.options ?? {}), ...GLOBAL_OPTIONS };
  const synopsis = [
    `latchkey ${path}`,
    ...(command.positionals ?? []).map((name) => `<${name}>`),
    ...Object.entries(command.options ?? {}).map(([name, spec]) => {
      const label = `${optionLabel(name, spec)}${spec.multiple ? ' ...' : ''}`;
      return spec.required ? label : `[${label}]`;
    }),
  ].join(' ');
  const labels = Object.entries(options).map(([name, spec]) => [optionLabel(name, spec), spec] as const);
  const width = Math.max(...labels.map(([label]) => label.length));
  return [
    `Usage: ${synopsis}`,
    '',
    command.summary,
    ...(command.notes ?? []).flatMap((note) => ['', note]),
    '',
    'Options:',
    ...labels.map(([label, spec]) => `  ${label.padEnd(width)}  ${spec.help}${spec.multiple ? ' (repeatable)' : ''}`),
  ];
}

/** The help text of a command group: its subcommands, one line each. */
export function groupHelp(name: string, group: CommandGroup): string[] {
  const entries = Object.entries(group.subcommands);
  const width = Math.max(...entries.map(([sub]) => sub.length));
  return [
    `Usage: latchkey ${name} <command> [options]`,
    '',
    group.summary,
    '',
    'Commands:',
    ...entries.map(([sub, command]) => `  ${sub.padEnd(width)}  ${command.summary}`),
    '',
    `Run "latchkey ${name} <command> --help" for a command's options.`,
  ];
}
