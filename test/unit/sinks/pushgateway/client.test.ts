import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { PushgatewayClient } from '../../../../src/sinks/pushgateway/client';
import { PushError } from '../../../../src/sinks/pushgateway/errors';
import { deadlineIn } from '../../../../src/shared/deadline';

/**
 * The retry / timeout / error paths against a scripted local HTTP server (the real
 * Pushgateway cannot be made to answer 503 or hang on demand; the integration tests cover
 * the happy paths and the real 400 against it).
 */
interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang' | 'reset';

let server: Server;
let baseUrl: URL;
let replies: Reply[];
let received: Received[];

beforeEach(async () => {
  replies = [];
  received = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      });
      const reply = replies.shift() ?? { status: 200 };
      if (reply === 'hang') return;
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const noJitter = () => 0.5;
const fastRetry = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 };

describe('PushgatewayClient', () => {
  it('PUTs text exposition to the grouping path with the right headers', async () => {
    const client = new PushgatewayClient({ url: baseUrl, random: noJitter });
    const result = await client.put({ job: 'j', labels: { cp_code: '1' } }, 'm 1\n');

    expect(result.attempts).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]?.method).toBe('PUT');
    expect(received[0]?.url).toBe('/metrics/job/j/cp_code/1');
    expect(received[0]?.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(received[0]?.body.toString()).toBe('m 1\n');
  });

  it('keeps a path prefix of the Pushgateway URL', async () => {
    const client = new PushgatewayClient({ url: new URL('/pgw/', baseUrl) });
    await client.post({ job: 'j' }, 'm 1\n');
    expect(received[0]?.url).toBe('/pgw/metrics/job/j');
    expect(received[0]?.method).toBe('POST');
  });

  it('gzips bodies at or above the threshold only, and never by default', async () => {
    const text = 'some_metric{a="b"} 1\n'.repeat(50);
    await new PushgatewayClient({ url: baseUrl, gzipMinBytes: 10 }).put({ job: 'j' }, text);
    await new PushgatewayClient({ url: baseUrl, gzipMinBytes: 10_000 }).put({ job: 'j' }, text);
    await new PushgatewayClient({ url: baseUrl, gzipMinBytes: undefined }).put({ job: 'j' }, text);
    expect(received[0]?.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(received[0]?.body ?? Buffer.alloc(0)).toString()).toBe(text);
    for (const plain of [received[1], received[2]]) {
      expect(plain?.headers['content-encoding']).toBeUndefined();
      expect(plain?.body.toString()).toBe(text);
    }
  });

  it('sends basic auth and bearer tokens', async () => {
    await new PushgatewayClient({
      url: baseUrl,
      auth: { kind: 'basic', username: 'u', password: 'p' },
    }).delete({ job: 'j' });
    await new PushgatewayClient({ url: baseUrl, auth: { kind: 'bearer', token: 'tok' } }).delete({
      job: 'j',
    });
    expect(received[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
    expect(received[1]?.headers.authorization).toBe('Bearer tok');
    expect(received[0]?.method).toBe('DELETE');
  });

  it('retries 5xx, 429 and resets, then succeeds', async () => {
    replies = [{ status: 503, body: 'busy' }, { status: 429 }, 'reset', { status: 200 }];
    const client = new PushgatewayClient({ url: baseUrl, retry: fastRetry, random: noJitter });
    const result = await client.put({ job: 'j' }, 'm 1\n');
    expect(result.attempts).toBe(4);
    expect(received).toHaveLength(4);
  });

  it('gives up after maxAttempts with the last reason', async () => {
    replies = [
      { status: 502, body: 'bad gateway' },
      { status: 502, body: 'bad gateway' },
      { status: 502, body: 'still bad' },
    ];
    const client = new PushgatewayClient({
      url: baseUrl,
      retry: { ...fastRetry, maxAttempts: 3 },
      random: noJitter,
    });
    await expect(client.put({ job: 'j' }, 'm 1\n')).rejects.toThrow(
      'PUT {job="j"}: Pushgateway answered HTTP 502: still bad (after 3 attempts)',
    );
    expect(received).toHaveLength(3);
  });

  it('does not retry a 400 and quotes the Pushgateway', async () => {
    replies = [
      {
        status: 400,
        body: 'pushed metrics are invalid or inconsistent with existing metrics: collected metric "m" was collected before',
      },
    ];
    const client = new PushgatewayClient({ url: baseUrl, retry: fastRetry });
    const error = await client.put({ job: 'j' }, 'm 1\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as PushError).status).toBe(400);
    expect((error as PushError).retryable).toBe(false);
    expect((error as PushError).message).toContain('inconsistent with existing metrics');
    expect(received).toHaveLength(1);
  });

  it('honours Retry-After on 429', async () => {
    replies = [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }];
    const client = new PushgatewayClient({ url: baseUrl, retry: fastRetry, random: noJitter });
    await client.put({ job: 'j' }, 'm 1\n');
    // Behaviour, not speed: the retry must not arrive before the server's Retry-After.
    const [first, second] = received;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('times out a hanging attempt and retries it', async () => {
    replies = ['hang', { status: 200 }];
    const client = new PushgatewayClient({
      url: baseUrl,
      requestTimeoutMs: 200,
      retry: fastRetry,
      random: noJitter,
    });
    const result = await client.put({ job: 'j' }, 'm 1\n');
    expect(result.attempts).toBe(2);
  });

  it('stops retrying when the deadline would pass', async () => {
    replies = ['hang', 'hang', 'hang'];
    const client = new PushgatewayClient({
      url: baseUrl,
      requestTimeoutMs: 300,
      retry: { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 1000 },
      random: () => 1,
    });
    await expect(client.put({ job: 'j' }, 'm 1\n', deadlineIn(800))).rejects.toThrow(
      /no answer within 300 ms.*not enough time left to retry/,
    );
    expect(received.length).toBeLessThanOrEqual(2);
  });

  it('reports a refused connection with a hint', async () => {
    const closed = new URL('http://127.0.0.1:1');
    const client = new PushgatewayClient({ url: closed, retry: { ...fastRetry, maxAttempts: 2 } });
    const error = (await client.put({ job: 'j' }, 'm 1\n').catch((e: unknown) => e)) as PushError;
    expect(error.message).toMatch(/ECONNREFUSED.*after 2 attempts/);
    expect(error.hint).toContain('PUSHGATEWAY_URL');
  });

  it('refuses an invalid grouping label before sending anything', async () => {
    const client = new PushgatewayClient({ url: baseUrl });
    await expect(client.put({ job: 'j', labels: { 'bad-name': 'x' } }, 'm 1\n')).rejects.toThrow(
      'invalid label name "bad-name"',
    );
    expect(received).toHaveLength(0);
  });
});
