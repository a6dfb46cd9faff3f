import SnappyJS from 'snappyjs';
import { ESTATS } from '../../../../src/metrics/catalogue';
import { estatsGroupingKey } from '../../../../src/metrics/groups';
import { PushMetrics } from '../../../../src/metrics/registry';
import { cutIntoBatches } from '../../../../src/sinks/remoteWrite/client';
import {
  decodeWriteRequestBody,
  encodeMetadata,
  encodeSeries,
  framedSize,
  writeRequestBody,
} from '../../../../src/sinks/remoteWrite/writeRequest';

const series = (name: string, n: number) => ({
  labels: [
    { name: 'job', value: 'j' },
    { name: '__name__', value: name },
    { name: 'empty', value: '' },
    { name: 'n', value: String(n) },
  ],
  samples: [{ value: n + 0.5, timestampMs: 1_763_900_000_123 + n }],
});

describe('remote-write WriteRequest', () => {
  it('round-trips series and metadata, labels sorted and empty ones dropped, as the spec requires', () => {
    const body = writeRequestBody([
      encodeMetadata({ type: 'counter', metricFamilyName: 'x_total', help: 'X.' }),
      encodeSeries(series('x_total', 1)),
      encodeSeries(series('x_total', 2)),
    ]);
    expect(decodeWriteRequestBody(body)).toEqual({
      metadata: [{ type: 'counter', metricFamilyName: 'x_total', help: 'X.' }],
      timeseries: [1, 2].map((n) => ({
        labels: [
          { name: '__name__', value: 'x_total' },
          { name: 'job', value: 'j' },
          { name: 'n', value: String(n) },
        ],
        samples: [{ value: n + 0.5, timestampMs: 1_763_900_000_123 + n }],
      })),
    });
  });

  it('cuts batches by their exact encoded size, never above the limit unless one entry is larger', () => {
    const entries = Array.from({ length: 50 }, (_, n) => encodeSeries(series('y', n)));
    const limit = 5 * framedSize(entries[0] ?? { kind: 'series', bytes: new Uint8Array() });
    const batches = cutIntoBatches(entries, limit);
    expect(batches.flat()).toEqual(entries);
    for (const batch of batches) {
      const uncompressed = SnappyJS.uncompress(writeRequestBody(batch));
      expect(uncompressed.length).toBe(batch.reduce((sum, e) => sum + framedSize(e), 0));
      expect(uncompressed.length).toBeLessThanOrEqual(limit);
    }
    expect(batches.length).toBeGreaterThanOrEqual(10);
    expect(cutIntoBatches(entries.slice(0, 2), 1)).toEqual([[entries[0]], [entries[1]]]);
  });

  it('gives every series of a group its job and grouping labels, and the group its timestamp', async () => {
    const metrics = new PushMetrics();
    metrics.family(ESTATS.hits).set({ direction: 'edge' }, 2400);
    metrics.family(ESTATS.up).set(1);
    const { series: out, metadata } = await metrics.timeSeries(
      estatsGroupingKey({ cpCode: 424242, delivery: 'STANDARD_TLS' }),
      1_763_900_000_000,
    );
    expect(out).toEqual([
      {
        labels: [
          { name: '__name__', value: 'akamai_estats_hits' },
          { name: 'direction', value: 'edge' },
          { name: 'cp_code', value: '424242' },
          { name: 'delivery', value: 'STANDARD_TLS' },
          { name: 'job', value: 'akamai_estats' },
        ],
        samples: [{ value: 2400, timestampMs: 1_763_900_000_000 }],
      },
      {
        labels: [
          { name: '__name__', value: 'akamai_estats_up' },
          { name: 'cp_code', value: '424242' },
          { name: 'delivery', value: 'STANDARD_TLS' },
          { name: 'job', value: 'akamai_estats' },
        ],
        samples: [{ value: 1, timestampMs: 1_763_900_000_000 }],
      },
    ]);
    expect(metadata.map((m) => [m.metricFamilyName, m.type])).toEqual([
      ['akamai_estats_hits', 'gauge'],
      ['akamai_estats_up', 'gauge'],
    ]);
  });
});
