import fc from 'fast-check';
import { buildEstatsMetrics } from '../../src/akamai/estatsMetrics';
import { estatsResponseSchema } from '../../src/akamai/estatsSchema';
import { promClientText } from '../helpers/promClientReplay';
import { promtoolCheckMetrics } from '../helpers/promtool';

/**
 * Any JSON value as an eStats answer: either the schema refuses it (naming a field), or the
 * metrics built from it are exposition text that promtool accepts. Label values from Akamai
 * (edge IPs, error codes, countries) get quotes, backslashes, newlines, unicode and long text.
 */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '"quoted"',
    'back\\slash',
    'new\nline',
    'ünïcödé 🚀',
    'x'.repeat(500),
    '',
    '\u0000',
  ),
);
const count = fc.oneof(
  fc.nat(1_000_000),
  fc.integer({ min: -5, max: -1 }),
  fc.double({ noNaN: false }),
);
const share = fc.record(
  {
    httpStatus: fc.integer({ min: -1, max: 999 }),
    hits: count,
    percentage: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.double()),
  },
  { requiredKeys: [] },
);
const edgeIp = fc.record(
  {
    edgeIp: nasty,
    httpStatus: fc.integer({ min: 0, max: 999 }),
    hits: count,
    errorCode: nasty,
    edgeIpLocation: fc.record({ countryCode: nasty }),
  },
  { requiredKeys: [] },
);
const shapedAnswer = fc.record(
  {
    completedTime: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      nasty,
    ),
    executionStatus: fc.constantFrom('SUCCESS', 'FAILURE', undefined),
    result: fc.record(
      {
        edgeHits: count,
        edgeErrors: count,
        edgeFailurePercentage: fc.double(),
        originHits: count,
        originStatusCodeDistribution: fc.array(share, { maxLength: 6 }),
        edgeStatusCodeDistribution: fc.array(share, { maxLength: 6 }),
        topEdgeIpsWithError: fc.array(edgeIp, { maxLength: 8 }),
        topEdgeIpsWithErrorFromOrigin: fc.array(edgeIp, { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

it('turns any JSON value into a clear validation error or exposition text promtool accepts', async () => {
  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.jsonValue(), shapedAnswer), async (answer) => {
      const parsed = estatsResponseSchema.safeParse(answer);
      if (!parsed.success) {
        refused++;
        // Every refusal names where the problem is (a path) or says the root is wrong.
        for (const issue of parsed.error.issues) expect(issue.message.length).toBeGreaterThan(0);
        return;
      }
      accepted++;
      const metrics = buildEstatsMetrics(parsed.data, {
        topEdgeIps: 5,
        requestDurationSeconds: 0.1,
      });
      const text = await metrics.text();
      // Parsed back and written again by prom-client, the samples come out byte for byte the same.
      expect(text).toBe(await promClientText(text));
      const check = promtoolCheckMetrics(text);
      expect(check.status).toBe(0);
    }),
    { numRuns: 3000 },
  );
  // Both sides were really exercised.
  expect(accepted).toBeGreaterThan(300);
  expect(refused).toBeGreaterThan(300);
  process.stdout.write(
    `eStats fuzz: ${accepted} answers mapped and accepted by promtool, ${refused} refused by the schema\n`,
  );
}, 300_000);
