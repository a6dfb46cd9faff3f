/**
 * What the functions that are not collectors log and take, and Lambda's own lines. The
 * collectors' figures are each in its row (deploy/stage/collectors/), measured there.
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
} as const;
