import { CliError, type Command } from './command.ts';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once (an impatient Ctrl-C). */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  });
}

/** Listen errors a person can fix (port taken, privileged port), as opposed to bugs. */
function listenFailure(error: unknown): CliError | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'EADDRINUSE') return new CliError('listen_failed', 'The port is already in use: stop the other process or set PORT.');
  if (code === 'EACCES') return new CliError('listen_failed', 'Not allowed to listen on this port: use a port above 1023 or set HOST/PORT.');
  return undefined;
}

export const serveCommand: Command = {
  summary: 'Start the HTTP server; stops cleanly on SIGINT or SIGTERM.',
  notes: ['Configured by the environment (see "latchkey --help"). With --json, stdout carries one {"url"} line and the server\'s JSON logs.'],
  async run({ out, loadConfig }) {
    const config = loadConfig();
    // Why dynamic: only `serve` needs the web stack (Fastify, oidc-provider), so the other
    // commands start without loading it.
    const { startLatchkey } = await import('../app.ts');
    // With --json the start-up banner goes to stderr, so stdout stays line-delimited JSON.
    const startOptions = out.json ? { print: (line: string) => out.note(line) } : {};
    const latchkey = await startLatchkey(config, startOptions).catch((error: unknown) => {
      throw listenFailure(error) ?? error;
    });
    if (out.json) out.result({ url: latchkey.url }, []);
    const signal = await firstSignal();
    out.note(`${signal}: shutting down…`);
    setTimeout(() => {
      out.note(`Shutdown took longer than ${SHUTDOWN_GRACE_MS / 1000} s; exiting anyway.`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    await latchkey.close();
  },
};
