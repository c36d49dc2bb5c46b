import { Agent, request } from 'node:http';

/**
 * The load generator's HTTP client: node:http with keep-alive, which costs this process about
 * half the CPU of fetch per request (that CPU comes out of the same two cores as the server's).
 *
 * Each client has its own source address in 127.0.0.0/8 (all of it is loopback on Linux), so
 * the server sees many users on many addresses, as in production, and its per-IP rate limits
 * (e.g. 60 password attempts per IP per minute) apply to each simulated user, not to the whole
 * benchmark. The destination is always 127.0.0.1.
 */

export interface SimpleResponse {
  status: number;
  location: string | undefined;
  body: string;
}

/** The i-th source address (i ≥ 0): 127.1.0.1, 127.1.0.2, … skipping .0 and .255, ~64k of them. */
export function sourceAddress(i: number): string {
  const n = i % (256 * 254);
  return `127.1.${Math.floor(n / 254)}.${(n % 254) + 1}`;
}

/** A keep-alive connection pool bound to one source address. */
export function agentFor(address: string): Agent {
  return new Agent({ keepAlive: true, maxSockets: 4, localAddress: address });
}

/** One request; the body is read whole (pages and token responses are a few kB). */
export function send(
  agent: Agent,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<SimpleResponse & { setCookie: string[] }> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') return Promise.reject(new Error(`the bench only talks to 127.0.0.1, not ${target.hostname}`));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: init.method ?? 'GET',
        headers: init.headers,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const location = res.headers.location;
          resolve({ status: res.statusCode ?? 0, location, body: Buffer.concat(chunks).toString('utf8'), setCookie: res.headers['set-cookie'] ?? [] });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${init.method ?? 'GET'} ${url}`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A browser without JavaScript: keeps cookies (one origin), sends forms, follows redirects on that origin. */
export function createBrowser(agent: Agent) {
  const cookies = new Map<string, string>();

  function remember(lines: string[]): void {
    for (const line of lines) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  }

  async function go(url: string, method: 'GET' | 'POST', form?: Record<string, string>): Promise<SimpleResponse> {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await send(agent, url, { method, headers, body });
    remember(response.setCookie);
    return response;
  }

  /** Follows redirects from `response` while they stay on `origin`; returns the last answer and its URL. */
  async function follow(response: SimpleResponse, from: string, origin: string): Promise<{ response: SimpleResponse; url: string }> {
    let current = response;
    let url = from;
    for (let hops = 0; hops < 10 && current.status >= 300 && current.status < 400 && current.location; hops++) {
      url = new URL(current.location, url).href;
      if (!url.startsWith(origin)) return { response: current, url };
      current = await go(url, 'GET');
    }
    return { response: current, url };
  }

  return { get: (url: string) => go(url, 'GET'), post: (url: string, form: Record<string, string>) => go(url, 'POST', form), follow };
}
