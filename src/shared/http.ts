import { isUtf8 } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import { gunzip } from 'node:zlib';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../constants';
import { HttpTransportError } from './errors';
import { maskUrlCredentials } from './urls';

/**
 * The one place that talks HTTP. Built on node:http rather than fetch: Node 20's first fetch
 * call costs ~70 ms more than the first node:http request, which matters on a Lambda cold start.
 */
export interface HttpRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Abort the request (connect + answer) after this many milliseconds. */
  timeoutMs: number;
  /** Stop reading an answer larger than this; protects a 128 MB Lambda from a runaway body. */
  maxResponseBytes?: number;
  /** Ask for a gzip answer (Accept-Encoding) and unpack it, within maxResponseBytes. */
  acceptGzip?: boolean;
  /**
   * Asked for the memory the answer will hold, as it arrives (a MemoryShare's grow): each
   * piece's bytes (times the copies made of it), and a gzip answer's unpacked size before it
   * is unpacked. Reading pauses until it is granted.
   */
  reserve?: (bytes: number) => Promise<void>;
  /** HTTPS: a CA, a client certificate, the name to check; none: the system's trust. */
  tls?: TlsSettings;
}

/** What an HTTPS request trusts and presents beyond the defaults (PEM strings). */
export interface TlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  /** Accept any certificate (a lab device's self-signed one). */
  insecureSkipVerify?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as UTF-8 (an invalid byte becomes U+FFFD). */
  body: string;
  /** Its size in bytes, unpacked. */
  bodyBytes: number;
  /** Whether its bytes are valid UTF-8. */
  validUtf8: boolean;
}

/** The variables of a forward proxy, as curl, the AWS CLI and Node itself read them. */
const PROXY_VARIABLES = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
] as const;

export interface TransportAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  /** The proxy of each protocol, when one is set (for errors; NO_PROXY may still bypass it). */
  proxies?: { 'http:'?: string; 'https:'?: string };
}

// Keep-alive agents, shared across warm invocations: a run pushes many groups to one host.
// One pair per proxy setting (in practice one per process), and one HTTPS agent per TLS
// setting (a scrape target's CA or client certificate), which a shared one must not carry.
const agentsByProxy = new Map<string, TransportAgents>();
const tlsAgents = new Map<string, https.Agent>();

function proxyEnvOf(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    PROXY_VARIABLES.flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
  );
}

/** The HTTPS agent of requests with these TLS settings (and the process's proxy). */
function tlsAgent(tls: TlsSettings, env: NodeJS.ProcessEnv = process.env): https.Agent {
  const proxyEnv = proxyEnvOf(env);
  const key = JSON.stringify([tls, proxyEnv]);
  let agent = tlsAgents.get(key);
  if (!agent) {
    agent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      ...(Object.keys(proxyEnv).length > 0 ? { proxyEnv } : {}),
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert ? { cert: tls.cert } : {}),
      ...(tls.key ? { key: tls.key } : {}),
      ...(tls.serverName ? { servername: tls.serverName } : {}),
      ...(tls.insecureSkipVerify ? { rejectUnauthorized: false } : {}),
    });
    tlsAgents.set(key, agent);
  }
  return agent;
}

/**
 * The agents of every request we send, the AWS SDK's included (aws/secrets.ts,
 * alerting/export.ts). They honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY through Node's own
 * proxy support (`proxyEnv`): HTTPS as a CONNECT tunnel, plain HTTP as a proxied request.
 * Without `proxyEnv` a custom agent goes direct, even with NODE_USE_ENV_PROXY set. These are
 * read from the process environment, not the function's configuration: a proxy belongs to
 * the network the process runs in, and every tool in it (the SDK's credential chain too)
 * reads the same variables.
 */
export function transportAgents(env: NodeJS.ProcessEnv = process.env): TransportAgents {
  const proxyEnv = proxyEnvOf(env);
  const key = JSON.stringify(proxyEnv);
  let agents = agentsByProxy.get(key);
  if (!agents) {
    const options = {
      keepAlive: true,
      maxSockets: 16,
      ...(Object.keys(proxyEnv).length > 0 ? { proxyEnv } : {}),
    };
    const httpsProxy = env.https_proxy || env.HTTPS_PROXY;
    const httpProxy = env.http_proxy || env.HTTP_PROXY;
    agents = {
      httpAgent: new http.Agent(options),
      httpsAgent: new https.Agent(options),
      proxies: {
        ...(httpProxy ? { 'http:': httpProxy } : {}),
        ...(httpsProxy ? { 'https:': httpsProxy } : {}),
      },
    };
    agentsByProxy.set(key, agents);
  }
  return agents;
}

/**
 * Send `request`. A keep-alive socket the server closed while it sat idle fails the request
 * before any answer (ECONNRESET on a reused socket): a GET (a scrape, a list) is then sent
 * again once on a fresh socket, as Go's client (Prometheus's) does. Pushes have retries of
 * their own, which count such a reset as an attempt.
 */
export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  try {
    return await sendOnce(request);
  } catch (error) {
    if (!(error instanceof StaleSocketError)) throw error;
  }
  return sendOnce(request).catch((error: unknown) => {
    if (!(error instanceof StaleSocketError)) throw error;
    throw new HttpTransportError(
      `${request.method} ${request.url.origin}${request.url.pathname}: ECONNRESET twice on a kept-alive connection (${error.message})`,
      'network',
      { cause: error },
    );
  });
}

/** A reused keep-alive socket the server had closed: nothing was answered. */
class StaleSocketError extends Error {}

function sendOnce(request: HttpRequest): Promise<HttpResponse> {
  const isHttps = request.url.protocol === 'https:';
  const transport = isHttps ? https : http;
  const { httpAgent, httpsAgent, proxies } = transportAgents();
  const proxy = proxies?.[isHttps ? 'https:' : 'http:'];
  const maxBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const where = `${request.method} ${request.url.origin}${request.url.pathname}`;

  return new Promise<HttpResponse>((resolve, reject) => {
    // Time the answer spent waiting for `reserve`: a timeout it caused is ours, not the server's.
    let waitedForMemoryMs = 0;
    let waitingSince: number | undefined;
    const transportFailure = (error: Error): HttpTransportError => {
      const failure = toTransportError(error, where, request.timeoutMs, proxy);
      const waited =
        waitedForMemoryMs + (waitingSince === undefined ? 0 : performance.now() - waitingSince);
      if (failure.code !== 'timeout' || waited < 1) return failure;
      return new HttpTransportError(
        `${failure.message}, ${Math.round(waited)} ms of it waiting for memory the other answers held (fetch fewer at once, or give the function more memory)`,
        'timeout',
        { cause: error },
      );
    };
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) {
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    if (request.acceptGzip) headers['accept-encoding'] = 'gzip';
    const agent = isHttps ? (request.tls ? tlsAgent(request.tls) : httpsAgent) : httpAgent;
    const req = transport.request(
      request.url,
      {
        method: request.method,
        headers,
        agent,
        signal: AbortSignal.timeout(request.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const gzipped =
          request.acceptGzip === true && headerValue(res.headers, 'content-encoding') === 'gzip';
        // Each piece is kept, copied once whole, and (unless it is gzip) decoded into the body.
        const copies = gzipped ? 2 : 3;
        const reserve = request.reserve;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(
              new HttpTransportError(
                `${where}: answer larger than ${maxBytes} bytes; refused to read it`,
                'too_large',
              ),
            );
            return;
          }
          chunks.push(chunk);
          if (!reserve) return;
          res.pause();
          waitingSince = performance.now();
          reserve(chunk.length * copies).then(
            () => {
              waitedForMemoryMs += performance.now() - (waitingSince ?? 0);
              waitingSince = undefined;
              res.resume();
            },
            (error: unknown) => {
              res.destroy();
              reject(error);
            },
          );
        });
        res.on('end', async () => {
          const raw = Buffer.concat(chunks);
          const answer = (body: Buffer) =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: body.toString('utf8'),
              bodyBytes: body.length,
              validUtf8: isUtf8(body),
            });
          if (!gzipped) return answer(raw);
          // The unpacked buffer and its decoded body, from the size gzip's trailer states.
          try {
            await reserve?.(Math.min(gzipSize(raw), maxBytes) * 2);
          } catch (error) {
            reject(error);
            return;
          }
          gunzip(raw, { maxOutputLength: maxBytes }, (error, unpacked) => {
            if (!error) return answer(unpacked);
            const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
            reject(
              new HttpTransportError(
                tooLarge
                  ? `${where}: answer larger than ${maxBytes} bytes unpacked; refused to read it`
                  : `${where}: the gzip answer does not unpack: ${error.message}`,
                tooLarge ? 'too_large' : 'network',
                { cause: error },
              ),
            );
          });
        });
        res.on('error', (error) => reject(transportFailure(error)));
      },
    );
    req.on('error', (error) => {
      const stale = req.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET';
      if (stale && request.method === 'GET') reject(new StaleSocketError(error.message));
      else reject(transportFailure(error));
    });
    req.end(request.body);
  });
}

function toTransportError(
  error: Error,
  where: string,
  timeoutMs: number,
  proxy: string | undefined,
): HttpTransportError {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') {
    return new HttpTransportError(`${where}: no answer within ${timeoutMs} ms`, 'timeout', {
      cause: error,
    });
  }
  const code = (error as NodeJS.ErrnoException).code;
  // A proxy's error may quote the proxy's URL, credentials and all.
  const message = maskUrlCredentials(error.message);
  const through = proxy
    ? ` (through the proxy ${maskUrlCredentials(proxy)} of HTTP(S)_PROXY, unless NO_PROXY names this host)`
    : '';
  return new HttpTransportError(
    `${where}: ${code ? `${code} ` : ''}${message}${through}`,
    'network',
    { cause: error },
  );
}

/** First value of a header that may repeat. */
export function headerValue(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The unpacked size a gzip stream's trailer states (ISIZE: the size modulo 2^32). */
function gzipSize(raw: Buffer): number {
  return raw.length >= 18 ? raw.readUInt32LE(raw.length - 4) : 0;
}
