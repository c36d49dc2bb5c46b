import autocannon from 'autocannon';

export interface HttpLoadResult {
  /** 2xx answers. */
  ok: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/**
 * Hammers one GET URL with autocannon for a bounded time. Only 2xx answers count towards the
 * rate, so a server that answers fast with errors does not look good.
 */
export async function measureGet(url: string, seconds: number, connections: number): Promise<HttpLoadResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`the bench only loads 127.0.0.1, not ${url}`);
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1, timeout: 10, headers: { accept: 'application/json' } });
  return {
    ok: result['2xx'],
    perSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
