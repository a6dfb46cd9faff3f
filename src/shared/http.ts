import http from 'node:http';
import https from 'node:https';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../constants';
import { HttpTransportError } from './errors';

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
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// Keep-alive agents, shared across warm invocations: a run pushes many groups to one host.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

export function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const isHttps = request.url.protocol === 'https:';
  const transport = isHttps ? https : http;
  const maxBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const where = `${request.method} ${request.url.origin}${request.url.pathname}`;

  return new Promise<HttpResponse>((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) {
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    const req = transport.request(
      request.url,
      {
        method: request.method,
        headers,
        agent: isHttps ? httpsAgent : httpAgent,
        signal: AbortSignal.timeout(request.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
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
        });
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', (error) => reject(toTransportError(error, where, request.timeoutMs)));
      },
    );
    req.on('error', (error) => reject(toTransportError(error, where, request.timeoutMs)));
    req.end(request.body);
  });
}

function toTransportError(error: Error, where: string, timeoutMs: number): HttpTransportError {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') {
    return new HttpTransportError(`${where}: no answer within ${timeoutMs} ms`, 'timeout', {
      cause: error,
    });
  }
  const code = (error as NodeJS.ErrnoException).code;
  return new HttpTransportError(`${where}: ${code ? `${code} ` : ''}${error.message}`, 'network', {
    cause: error,
  });
}

/** First value of a header that may repeat. */
export function headerValue(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
