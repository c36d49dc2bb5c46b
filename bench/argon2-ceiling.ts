import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { type LoopResult, runLoop } from './load-loop.ts';
import { metered, type PhaseCost } from './meter.ts';

// Algorithm.Argon2id; the package exports a const enum, which verbatimModuleSyntax cannot import.
const ARGON2ID = 2 as Algorithm;

/** The server's defaults (src/passwords/argon2-hasher.ts DEFAULT_ARGON2, config.ts defaults). */
export const SERVER_ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Argon2id verifications per second with every core busy: the ceiling for password sign-ins,
 * since each sign-in costs exactly one verification. @node-rs/argon2 runs on the libuv
 * threadpool (4 threads by default), so 4× that many calls in flight keep it saturated.
 */
export async function measureArgon2Ceiling(durationMs: number): Promise<{ result: LoopResult; cost: PhaseCost; concurrency: number }> {
  const password = 'correct horse battery staple';
  const stored = await hash(password, { algorithm: ARGON2ID, ...SERVER_ARGON2 });
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const concurrency = threads * 4;
  const op = async () => {
    if (!(await verify(stored, password))) throw new Error('argon2 verify returned false');
  };
  await runLoop({ concurrency, durationMs: 500, maxCount: 40, op }); // warm-up: threads and memory
  const measured = await metered(undefined, () => runLoop({ concurrency, durationMs, maxCount: 5_000, op }));
  return { ...measured, concurrency };
}
