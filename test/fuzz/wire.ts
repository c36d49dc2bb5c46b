import http from 'node:http';
import net from 'node:net';

/**
 * Raw HTTP for the fuzzer. `fetch` normalises what it sends (it percent-encodes paths, refuses
 * odd methods and header bytes, adds framing), so requests go out through `node:http` with a
 * keep-alive agent, or byte for byte over a fresh socket when the framing itself is the input.
 */

/** One request, exactly as it goes on the wire. */
export interface WireRequest {
  method: string;
  /** Request target as sent: characters U+0080–U+00FF go out as single bytes (malformed UTF-8 on purpose). */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Uint8Array;
  /** Source address on the loopback network (127.0.0.x), which spreads the per-IP rate limits. */
  from: string;
  /** Bytes written as they are on a fresh connection (bad framing, oversized headers), instead of the fields above. */
  raw?: Uint8Array;
}

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A header value as a client can send it: characters beyond latin1 as their UTF-8 bytes, and no
 * control characters (which Node's parser refuses; the malformed-framing probes send those raw).
 */
export function headerSafe(value: string): string {
  const bytes = [...value].some((c) => c.charCodeAt(0) > 0xff) ? Buffer.from(value, 'utf8').toString('latin1') : value;
  let safe = '';
  for (const c of bytes) {
    const code = c.charCodeAt(0);
    if (code === 0x09 || (code >= 0x20 && code !== 0x7f)) safe += c;
  }
  return safe;
}

/** What came back: a response, or why none did. */
export type WireOutcome = { ok: true; response: WireResponse } | { ok: false; error: string };

const TIMEOUT_MS = 15_000;
const MAX_BODY = 2 * 1024 * 1024;

/** Sends requests to one server; keeps one keep-alive pool per source address. */
export function createWire(baseUrl: string) {
  const url = new URL(baseUrl);
  const port = Number(url.port);
  // One pool per source address. No maxTotalSockets: Node does not evict idle sockets of other
  // pools to honour it, so requests would wait for the server's keep-alive timeout (72 s).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2, maxFreeSockets: 1 });
  let sent = 0;

  function viaHttp(request: WireRequest, reuse: boolean): Promise<WireOutcome & { reused?: boolean }> {
    return new Promise((resolve) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.map(headerSafe) : headerSafe(value);
      const framed = Object.keys(headers).some((name) => name.toLowerCase() === 'content-length' || name.toLowerCase() === 'transfer-encoding');
      // Why: for GET and friends node:http writes a body without any framing unless told its length.
      if (request.body && !framed) headers['content-length'] = String(request.body.length);
      let settled = false;
      const finish = (outcome: WireOutcome & { reused?: boolean }) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      let req: http.ClientRequest;
      try {
        req = http.request(
          {
            host: url.hostname,
            port,
            method: request.method,
            path: request.path,
            headers,
            localAddress: request.from,
            agent: reuse ? agent : false,
            timeout: TIMEOUT_MS,
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size <= MAX_BODY) chunks.push(chunk);
            });
            res.on('end', () => finish({ ok: true, response: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) } }));
            res.on('error', (error) => finish({ ok: false, error: `response: ${error.message}` }));
          },
        );
      } catch (error) {
        // The client refused to send it (an invalid header byte, say): nothing reached the server.
        finish({ ok: false, error: `client refused: ${(error as Error).message}` });
        return;
      }
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', (error) => finish({ ok: false, error: error.message, reused: req.reusedSocket }));
      req.end(request.body ? Buffer.from(request.body) : undefined);
    });
  }

  async function send(request: WireRequest): Promise<WireOutcome> {
    const t0 = performance.now();
    const outcome = await sendOnce(request);
    if (process.env.LATCHKEY_FUZZ_DEBUG && performance.now() - t0 > 1000)
      console.error(
        `SLOW ${Math.round(performance.now() - t0)} ms`,
        describeRequest(request).slice(0, 300),
        outcome.ok ? outcome.response.status : outcome.error,
      );
    return outcome;
  }

  async function sendOnce(request: WireRequest): Promise<WireOutcome> {
    sent++;
    if (request.raw) return sendRaw(port, url.hostname, request);
    const first = await viaHttp(request, true);
    // A keep-alive socket the server closed meanwhile is a client race, not an answer: retry once on a fresh one.
    if (!first.ok && first.reused) return viaHttp(request, false);
    if (!first.ok && first.error.startsWith('client refused')) sent--;
    return first;
  }

  return {
    send,
    /** Requests sent so far (those the client refused to send are not counted). */
    get sent() {
      return sent;
    },
    close: () => agent.destroy(),
  };
}

/** Writes `request.raw` on a fresh socket and parses the one answer (status, headers, body). */
function sendRaw(port: number, host: string, request: WireRequest): Promise<WireOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host, localAddress: request.from });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: WireOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${TIMEOUT_MS} ms` }), TIMEOUT_MS);
    socket.on('connect', () => socket.write(Buffer.from(request.raw ?? new Uint8Array())));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const parsed = parseResponse(Buffer.concat(chunks), false);
      if (parsed) finish({ ok: true, response: parsed });
    });
    const atEnd = () => {
      const parsed = parseResponse(Buffer.concat(chunks), true);
      finish(parsed ? { ok: true, response: parsed } : { ok: false, error: chunks.length ? 'unparseable answer' : 'connection closed without an answer' });
    };
    socket.on('end', atEnd);
    socket.on('close', atEnd);
    // A reset after the answer was written is how Node ends a rejected request; judge what arrived.
    socket.on('error', atEnd);
  });
}

/** Parses one HTTP/1.1 response from `data`; undefined while it is incomplete (or at `ended`, if unparseable). */
export function parseResponse(data: Buffer, ended: boolean): WireResponse | undefined {
  const head = data.indexOf('\r\n\r\n');
  if (head < 0) return undefined;
  const lines = data.subarray(0, head).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
  if (!status) return undefined;
  // An interim answer (100 Continue) precedes the real one.
  if (status >= 100 && status < 200 && status !== 101) return parseResponse(data.subarray(head + 4), ended);
  const headers: http.IncomingHttpHeaders = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'set-cookie') headers['set-cookie'] = [...(headers['set-cookie'] ?? []), value];
    else headers[name] = value;
  }
  const rest = data.subarray(head + 4);
  const length = headers['content-length'];
  if (length !== undefined) {
    if (rest.length < Number(length)) return ended ? { status, headers, body: rest } : undefined;
    return { status, headers, body: rest.subarray(0, Number(length)) };
  }
  if (headers['transfer-encoding'] === 'chunked') {
    const body = dechunk(rest);
    return body ? { status, headers, body } : ended ? { status, headers, body: rest } : undefined;
  }
  if (status === 204 || status === 304 || status < 200) return { status, headers, body: Buffer.alloc(0) };
  return ended ? { status, headers, body: rest } : undefined;
}

function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (data.length < eol + 2 + size + 2) return undefined;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** A readable, replayable description of a request (for failure reports), with long values cut. */
export function describeRequest(request: WireRequest): string {
  const cut = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  const printable = (bytes: Uint8Array) => cut(JSON.stringify(Buffer.from(bytes).toString('latin1')), 600);
  if (request.raw) return `raw bytes from ${request.from}: ${printable(request.raw)}`;
  const headers = Object.entries(request.headers).map(([k, v]) => `  ${k}: ${cut(JSON.stringify(v))}`);
  const body = request.body ? [`  body (${request.body.length} bytes): ${printable(request.body)}`] : [];
  return [`${request.method} ${cut(JSON.stringify(request.path).slice(1, -1), 400)} from ${request.from}`, ...headers, ...body].join('\n');
}
