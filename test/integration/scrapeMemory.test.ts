/**
 * A scrape's memory is bounded: a body is read no further than its byte limit, a parse keeps
 * no more samples than the sample limit, and the targets fetched at once share one budget,
 * asked for as their answers arrive (http.ts `reserve`). Memory itself is measured in the
 * bench (bench/scrapeMemory.ts); here, what the budget was asked for and what was delivered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { collectScrape } from '../../src/collectors/scrape';
import { RealPushgateway } from '../../dev/realPushgateway';
import { BYTES_PER_KEPT_SAMPLE } from '../../src/scrape/memory';
import { parseScrapeSchedule } from '../../src/scrape/schedule';
import { NO_DEADLINE } from '../../src/shared/deadline';
import { httpRequest } from '../../src/shared/http';
import { createLogger } from '../../src/shared/logger';
import { MemoryBudget } from '../../src/shared/memoryBudget';
import { Deliveries } from '../../src/sinks/deliveries';
import { PushgatewayClient } from '../../src/sinks/pushgateway/client';
import { PushgatewaySet } from '../../src/sinks/pushgateway/pushgatewaySet';
import { pushgatewaySink } from '../../src/sinks/pushgateway/sink';

/** `lines` samples of about 40 bytes each. */
const bodyOf = (lines: number) =>
  `# TYPE m gauge\n${Array.from({ length: lines }, (_, i) => `m{series="s${String(i).padStart(7, '0')}"} ${i}`).join('\n')}\n`;

let server: Server;
let base: string;
let pushgateway: RealPushgateway;
beforeAll(async () => {
  const bodies = new Map<string, Buffer>([
    ['/small', Buffer.from(bodyOf(10))],
    ['/20k', Buffer.from(bodyOf(20_000))],
    ['/200k', Buffer.from(bodyOf(200_000))],
  ]);
  server = createServer((req, res) => {
    const [path = '', query = ''] = (req.url ?? '').split('?');
    const body = bodies.get(path) ?? Buffer.alloc(0);
    const gzip = query.includes('gzip');
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(gzip ? gzipSync(body) : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  pushgateway = await RealPushgateway.start();
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await pushgateway?.stop();
});

/** A budget that records the most it ever had in use. */
function recordingBudget(totalBytes: number) {
  const budget = new MemoryBudget(totalBytes);
  let peak = 0;
  const hold = budget.hold.bind(budget);
  budget.hold = () => {
    const share = hold();
    return {
      ...share,
      grow: async (bytes: number) => {
        await share.grow(bytes);
        peak = Math.max(peak, budget.inUse());
      },
    };
  };
  return { budget, peak: () => peak };
}

async function scrape(schedule: Record<string, unknown>, budget?: MemoryBudget) {
  const sinks = new Deliveries([
    pushgatewaySink(
      new PushgatewaySet([
        { name: pushgateway.url, client: new PushgatewayClient({ url: new URL(pushgateway.url) }) },
      ]),
    ),
  ]);
  return collectScrape(
    parseScrapeSchedule(schedule),
    {
      sinks,
      logger: createLogger({ write: () => {} }),
      secrets: (secretId) => ({ secretId, cacheTtlMs: 0 }),
      ...(budget ? { memory: budget } : {}),
    },
    NO_DEADLINE,
  );
}

describe('what an answer asks of the memory budget', () => {
  it('each piece of a plain answer three times (kept, joined, decoded), and reading waits for it', async () => {
    const asked: number[] = [];
    let grant: (() => void) | undefined;
    const answer = httpRequest({
      method: 'GET',
      url: new URL(`${base}/20k`),
      timeoutMs: 10_000,
      reserve: (bytes) => {
        asked.push(bytes);
        // The first piece waits until the test grants it.
        if (asked.length > 1) return Promise.resolve();
        return new Promise<void>((resolve) => (grant = resolve));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(asked).toHaveLength(1);
    grant?.();
    const { bodyBytes } = await answer;
    expect(asked.reduce((sum, n) => sum + n, 0)).toBe(3 * bodyBytes);
  });

  it('says so when a timeout came while the answer waited for memory', async () => {
    const error = await httpRequest({
      method: 'GET',
      url: new URL(`${base}/20k`),
      timeoutMs: 300,
      reserve: () => new Promise<void>(() => {}),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /no answer within 300 ms, \d+ ms of it waiting for memory the other answers held \(fetch fewer at once, or give the function more memory\)$/,
    );
  });

  it('a gzip answer its pieces twice, then twice the size it unpacks to, before unpacking', async () => {
    const asked: number[] = [];
    const { bodyBytes } = await httpRequest({
      method: 'GET',
      url: new URL(`${base}/20k?gzip`),
      timeoutMs: 10_000,
      acceptGzip: true,
      reserve: async (bytes) => void asked.push(bytes),
    });
    const packed = gzipSync(Buffer.from(bodyOf(20_000))).length;
    expect(asked.at(-1)).toBe(2 * bodyBytes);
    expect(asked.slice(0, -1).reduce((sum, n) => sum + n, 0)).toBe(2 * packed);
  });
});

describe('a scrape in bounded memory', () => {
  it('fetches targets one after another when each needs most of the budget, and delivers them all', async () => {
    // Each 20k-sample body asks for three times its bytes to read, and its lines to parse:
    // more than the whole budget, so the oldest goes on alone (a budget always lets it).
    const bodyBytes = Buffer.byteLength(bodyOf(20_000));
    const oneTarget = 3 * bodyBytes + (20_000 + 2) * BYTES_PER_KEPT_SAMPLE;
    const { budget, peak } = recordingBudget(16 * 1024 * 1024);
    const summary = await scrape(
      {
        name: 'memory-shared',
        concurrency: 4,
        targets: ['a', 'b', 'c', 'd'].map((instance) => ({ url: `${base}/20k`, instance })),
      },
      budget,
    );
    expect(summary.down).toEqual([]);
    expect(summary.up).toBe(4);
    expect(summary.failed).toEqual([]);
    // Four at once would have held four shares; one after another, one and what the others
    // had read when they were made to wait.
    expect(peak()).toBeGreaterThanOrEqual(oneTarget);
    expect(peak()).toBeLessThan(oneTarget + 3 * 3 * bodyBytes);
    expect(budget.inUse()).toBe(0);
    const group = await pushgateway.group({ job: 'memory-shared', instance: 'd' });
    expect(group?.families.get('m')).toBeDefined();
  });

  it('refuses a body over the byte limit its sample limit gives, naming that limit: up 0', async () => {
    // 200k samples of 40 bytes: 8 MB, over the 1 MiB minimum a sample limit of 100 allows.
    const summary = await scrape({
      name: 'memory-bytes',
      sampleLimit: 100,
      targets: [{ url: `${base}/200k`, instance: 'big' }],
    });
    expect(summary.down).toEqual([
      {
        instance: 'big',
        reason: expect.stringMatching(
          /answer larger than 1048576 bytes; refused to read it \(the body limit: 512 bytes for each sample of sampleLimit 100/,
        ),
      },
    ]);
    const group = await pushgateway.group({ job: 'memory-bytes', instance: 'big' });
    expect(group?.families.get('up')?.metrics[0]?.value).toBe('0');
  });

  it('counts a body over the sample limit to its end without keeping it: up 0 and the whole count', async () => {
    const summary = await scrape({
      name: 'memory-samples',
      sampleLimit: 150_000,
      targets: [{ url: `${base}/200k`, instance: 'many' }],
    });
    expect(summary.down).toEqual([
      { instance: 'many', reason: '200000 samples, more than the sample limit 150000' },
    ]);
    const group = await pushgateway.group({ job: 'memory-samples', instance: 'many' });
    expect(group?.families.get('scrape_samples_scraped')?.metrics[0]?.value).toBe('200000');
    expect(group?.families.has('m')).toBe(false);
  });
});
