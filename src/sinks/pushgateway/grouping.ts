import type { GroupingKey } from '../../metrics/groups';
import { ConfigurationError } from '../../shared/errors';
import { assertLabelName } from '../../metrics/names';

/**
 * Build `/metrics/job/<job>{/<label>/<value>}` the way the Pushgateway parses it:
 * a value holding `/` (or any value that would not survive as one path segment) goes as
 * `<label>@base64/<base64url>`, an empty value as `<label>@base64/=`. Percent-encoding `/` as
 * `%2F` is what prom-client does, and the Pushgateway answers it with a 301: the push is lost.
 */
export function groupingPath(key: GroupingKey): string {
  if (key.job === '') {
    throw new ConfigurationError('grouping key: job must not be empty', {
      hint: 'every Pushgateway group needs a job name',
    });
  }
  let path = `/metrics/${encodeSegment('job', key.job)}`;
  for (const [name, value] of Object.entries(key.labels ?? {})) {
    assertLabelName(name, `grouping key of job ${JSON.stringify(key.job)}`);
    if (name === 'job') {
      throw new ConfigurationError(
        `grouping key of job ${JSON.stringify(key.job)}: "job" cannot be a further grouping label`,
      );
    }
    path += `/${encodeSegment(name, value)}`;
  }
  return path;
}

function encodeSegment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  if (needsBase64(value))
    return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/**
 * `/` would split the value; `.` and `..` would be collapsed by URL normalisation; `%` and
 * other escapes are safe with encodeURIComponent, but base64 is simpler to reason about for
 * anything a proxy might rewrite.
 */
function needsBase64(value: string): boolean {
  return value.includes('/') || value === '.' || value === '..' || value.includes('%');
}
