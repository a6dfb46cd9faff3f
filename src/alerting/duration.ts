/** Prometheus durations: units in decreasing order, each at most once (e.g. 1h30m, 90s). */
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [31_536_000, 604_800, 86_400, 3600, 60, 1, 0.001];

/** Seconds of a Prometheus duration (`0s` is one), or undefined when it is not one. */
export function parseDuration(value: string): number | undefined {
  const match = DURATION.exec(value);
  if (!match || value === '') return undefined;
  const seconds = UNIT_SECONDS.reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * unit, 0);
  return seconds;
}

export function isValidDuration(value: string): boolean {
  return parseDuration(value) !== undefined;
}

/** A whole number of seconds as a Prometheus duration, largest units first (90060 → 1d1h1m). */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds);
  if (rest <= 0) return '0s';
  let text = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}
