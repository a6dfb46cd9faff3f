import protobuf from 'protobufjs';
import SnappyJS from 'snappyjs';
import type { Label, MetricMetadata, TimeSeries } from '../../metrics/content';

/**
 * Prometheus remote write 1.0 (prometheus.io/docs/specs/remote_write_spec): a `WriteRequest`
 * protobuf (prompb's remote.proto / types.proto, the fields this product sends), compressed
 * with snappy's block format. The messages are described to protobufjs as JSON, so no
 * generated code and no .proto parsing at a cold start.
 */
const ROOT = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: {
            timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 },
            metadata: { rule: 'repeated', type: 'MetricMetadata', id: 3 },
          },
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: {
          fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } },
        },
        MetricMetadata: {
          fields: {
            type: { type: 'MetricType', id: 1 },
            metricFamilyName: { type: 'string', id: 2 },
            help: { type: 'string', id: 4 },
            unit: { type: 'string', id: 5 },
          },
        },
        MetricType: {
          values: { UNKNOWN: 0, COUNTER: 1, GAUGE: 2, SUMMARY: 3, HISTOGRAM: 4, INFO: 6 },
        },
      },
    },
  },
});

const WRITE_REQUEST = ROOT.lookupType('prometheus.WriteRequest');
const TIME_SERIES = ROOT.lookupType('prometheus.TimeSeries');
const METADATA = ROOT.lookupType('prometheus.MetricMetadata');
/** The wire tags of WriteRequest's repeated fields (field number << 3 | length-delimited). */
const TIMESERIES_TAG = (1 << 3) | 2;
const METADATA_TAG = (3 << 3) | 2;

/** A series or metadata entry, encoded once, so batches can be cut by their exact size. */
export interface EncodedEntry {
  kind: 'series' | 'metadata';
  bytes: Uint8Array;
}

/** Encode one series as the spec requires: labels sorted by name, no empty label value. */
export function encodeSeries(series: TimeSeries): EncodedEntry {
  const labels = series.labels
    .filter((label) => label.value !== '')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const message = TIME_SERIES.fromObject({
    labels,
    samples: series.samples.map((s) => ({ value: s.value, timestamp: s.timestampMs })),
  });
  return { kind: 'series', bytes: TIME_SERIES.encode(message).finish() };
}

export function encodeMetadata(metadata: MetricMetadata): EncodedEntry {
  const message = METADATA.fromObject({
    type: metadata.type === 'counter' ? 'COUNTER' : 'GAUGE',
    metricFamilyName: metadata.metricFamilyName,
    help: metadata.help,
  });
  return { kind: 'metadata', bytes: METADATA.encode(message).finish() };
}

/** Bytes an entry adds to a WriteRequest: its tag (one byte: field numbers below 16), its length, itself. */
export function framedSize(entry: EncodedEntry): number {
  return 1 + varintSize(entry.bytes.length) + entry.bytes.length;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

/** A WriteRequest of already-encoded entries, snappy-compressed: the body of one POST. */
export function writeRequestBody(entries: readonly EncodedEntry[]): Buffer {
  const writer = protobuf.Writer.create();
  for (const entry of entries)
    writer.uint32(entry.kind === 'series' ? TIMESERIES_TAG : METADATA_TAG).bytes(entry.bytes);
  return Buffer.from(SnappyJS.compress(writer.finish()));
}

/** For tests and stand-ins: a body back into series, as a receiver reads it. */
export function decodeWriteRequestBody(body: Uint8Array): {
  timeseries: TimeSeries[];
  metadata: MetricMetadata[];
} {
  const decoded = WRITE_REQUEST.toObject(WRITE_REQUEST.decode(SnappyJS.uncompress(body)), {
    longs: Number,
    enums: String,
    defaults: true,
  }) as {
    timeseries: Array<{ labels: Label[]; samples: Array<{ value: number; timestamp: number }> }>;
    metadata: Array<{ type: string; metricFamilyName: string; help: string }>;
  };
  return {
    timeseries: decoded.timeseries.map((ts) => ({
      labels: ts.labels,
      samples: ts.samples.map((s) => ({ value: s.value, timestampMs: s.timestamp })),
    })),
    metadata: decoded.metadata.map((m) => ({
      type: m.type === 'COUNTER' ? 'counter' : 'gauge',
      metricFamilyName: m.metricFamilyName,
      help: m.help,
    })),
  };
}
