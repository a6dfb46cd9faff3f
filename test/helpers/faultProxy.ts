import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A reverse proxy in front of the real Pushgateway that can misbehave the way a loaded or
 * failing one does: answer late, answer 5xx, or hold the request without answering. Faults are
 * queued per request; with none queued it forwards the request unchanged.
 */
export type ProxyFault = (
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  /** Answers `status` quoting the request's headers back, as some proxies' error pages do. */
  | { kind: 'echo'; status: number }
) & {
  /** Only requests whose path contains this; others pass (or take a later fault). */
  pathIncludes?: string;
};

export interface FaultProxy {
  url: string;
  /** Every request that reached the proxy: method, path and what it answered. */
  requests: Array<{ method: string; path: string; answered: number | 'forwarded' | 'hung' }>;
  /** The next `count` matching requests get `fault` (in the order queued). */
  queue(fault: ProxyFault, count?: number): void;
  /** Resolves when no forwarded request is in flight (a late, delayed one included). */
  idle(): Promise<void>;
  /** Every request gets `fault` until cleared with `undefined`. */
  always(fault: ProxyFault | undefined): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const queued: ProxyFault[] = [];
  let standing: ProxyFault | undefined;
  const requests: FaultProxy['requests'] = [];
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  const settled = () => {
    inFlight--;
    if (inFlight === 0) {
      for (const wake of idleWaiters) wake();
      idleWaiters = [];
    }
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // The upstream exchange is what reaches the Pushgateway, even after the client gave up.
    out.on('close', settled);
    out.on('error', () => {
      res.writeHead(502).end('proxy: upstream unreachable');
    });
    out.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const applies = (f: ProxyFault | undefined) =>
        f !== undefined && (f.pathIncludes === undefined || path.includes(f.pathIncludes));
      const index = queued.findIndex(applies);
      const fault =
        index >= 0 ? queued.splice(index, 1)[0] : applies(standing) ? standing : undefined;
      const record = { method: req.method ?? '', path: req.url ?? '' };
      const body = Buffer.concat(chunks);
      if (!fault) {
        requests.push({ ...record, answered: 'forwarded' });
        inFlight++;
        forward(req, body, res);
      } else if (fault.kind === 'hang') {
        requests.push({ ...record, answered: 'hung' });
      } else if (fault.kind === 'echo') {
        requests.push({ ...record, answered: fault.status });
        const headers = Object.entries(req.headers).map(([k, v]) => `${k}=${String(v)}`);
        res.writeHead(fault.status, { 'content-type': 'text/plain' });
        res.end(`bad gateway; request was ${req.method} ${path} ${headers.join(' ')}`);
      } else if (fault.kind === 'delay') {
        requests.push({ ...record, answered: 'forwarded' });
        inFlight++;
        setTimeout(() => forward(req, body, res), fault.ms);
      } else {
        requests.push({ ...record, answered: fault.status });
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers });
        res.end(fault.body ?? `proxy: injected HTTP ${fault.status}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    queue: (fault, count = 1) => {
      for (let i = 0; i < count; i++) queued.push(fault);
    },
    idle: () =>
      inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)),
    always: (fault) => {
      standing = fault;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
