/**
 * What one run logs and pushes, measured on the real handlers against the stand-ins and the
 * real Pushgateway (test/integration/costInputs.test.ts fails when a run drifts more than 25%
 * from these), and what could not be measured here, said as an assumption.
 */
export const RUN_FIGURES = {
  estats: {
    /** Its "eStats run finished" line. */
    logBytesPerRun: 400,
    /** The "Akamai rate budget" line of each API client. */
    logBytesPerClient: 240,
    /** Each target's group: its status-code mix, errors, hits, timing and info series. */
    samplesPerTarget: 38,
    /** The run-health group of its schedule. */
    samplesPerRun: 12,
  },
  synthetic: {
    logBytesPerRun: 360,
    samplesPerPort: 14,
    samplesPerRun: 12,
    /** Assumed: a fleet is generated in memory; a run is a push, about a second. */
    secondsPerRun: 1,
  },
  scrape: {
    logBytesPerRun: 420,
    /** Assumed: about what a node exporter exposes; the real count is its targets'. */
    samplesPerTarget: 1_000,
    /** Assumed: one wave of `concurrency` targets answering in about a second. */
    secondsPerWave: 1,
    samplesPerRun: 12,
  },
  janitor: { logBytesPerRun: 300, secondsPerRun: 2 },
  exportAlerting: {
    logBytesPerRun: 600,
    secondsPerRun: 2,
    /** HeadObject per exported file per run (a PutObject only when it changed: not counted). */
    s3HeadsPerRun: 3,
  },
  /**
   * Lambda's own lines per invocation in the JSON log format (platform.start and
   * platform.report): assumed from their documented shape.
   */
  platformLogBytesPerRun: 500,
} as const;
