/**
 * What every run has besides its collector's own figures (each in its row,
 * deploy/stage/collectors/): Lambda's own lines and the run-health group; and what the
 * functions that are not collectors log and take.
 */
export const RUN_FIGURES = {
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
  /**
   * The run-health group every collector's run pushes (collector_* series of its schedule),
   * measured with each collector's own (test/integration/costInputs.test.ts).
   */
  healthGroupSamples: 12,
} as const;
