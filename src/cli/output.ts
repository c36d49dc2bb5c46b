import type { Writable } from 'node:stream';

/**
 * Where a command's words go. Results go to stdout (one JSON document with --json, aligned text
 * otherwise); notes and errors go to stderr, so a script that parses stdout never sees them.
 * JSON is written on one line so `serve --json` stays line-delimited next to the server's logs.
 */
export interface Output {
  readonly json: boolean;
  /** Prints the command's result: `data` as JSON with --json, else the `human` lines. */
  result(data: unknown, human: readonly string[]): void;
  /** A hint for people, on stderr in both modes. */
  note(line: string): void;
  /** Prints `error <code>: <message>`, or `{"error":{"code","message"}}` with --json, on stderr. */
  error(code: string, message: string, extra?: readonly string[]): void;
}

export interface Streams {
  stdout: Writable;
  stderr: Writable;
}

export function createOutput(json: boolean, streams: Streams = { stdout: process.stdout, stderr: process.stderr }): Output {
  const write = (stream: Writable, lines: readonly string[]) => {
    if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
  };
  return {
    json,
    result(data, human) {
      if (json) write(streams.stdout, [JSON.stringify(data)]);
      else write(streams.stdout, human);
    },
    note(line) {
      write(streams.stderr, [line]);
    },
    error(code, message, extra = []) {
      if (json) write(streams.stderr, [JSON.stringify({ error: { code, message } })]);
      else write(streams.stderr, [`error ${code}: ${message}`, ...extra]);
    },
  };
}

/** Lays rows out in columns under a header, two spaces apart; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Milliseconds since the epoch as an ISO 8601 string (UTC), the one time format of the CLI. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
