/** The IPC messages between bench/run.ts and bench/server-process.ts. */

/** Cumulative figures of the server process; the bench subtracts two samples. */
export interface ServerStats {
  rss: number;
  /** User + system CPU of the whole process (all threads, so Argon2's threadpool work too). */
  cpuMicros: number;
  /** Event-loop active and idle time in ms (performance.eventLoopUtilization). */
  eluActive: number;
  eluIdle: number;
}

/** Milliseconds since the server process started (performance.now() there). */
export interface BootTimes {
  /** Node started and every module was loaded (TypeScript compiled by tsx on the way). */
  loadedMs: number;
  /** startLatchkey resolved: database opened and migrated, Argon2 warmed up, listening. */
  startedMs: number;
}

export interface BenchUser {
  email: string;
  password: string;
}

export interface SetupReply {
  tenantName: string;
  clientId: string;
  redirectUri: string;
  users: BenchUser[];
}

export type ToServer =
  | { id: number; type: 'stats' }
  | { id: number; type: 'setup'; users: number }
  /** Starts the V8 CPU profiler in the server; `profile-stop` writes the profile to `file`. */
  | { id: number; type: 'profile-start' }
  | { id: number; type: 'profile-stop'; file: string }
  | { id: number; type: 'stop' };

export type FromServer =
  | { type: 'ready'; url: string; stats: ServerStats; boot: BootTimes }
  | { id: number; stats: ServerStats }
  | { id: number; setup: SetupReply }
  | { id: number; done: true }
  | { id: number; error: string };
