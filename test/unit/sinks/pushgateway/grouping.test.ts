import { describeGroup } from '../../../../src/metrics/groups';
import { groupingPath } from '../../../../src/sinks/pushgateway/grouping';

describe('groupingPath', () => {
  it('puts plain values in the path as they are', () => {
    expect(
      groupingPath({
        job: 'akamai_estats',
        labels: { cp_code: '424242', delivery: 'STANDARD_TLS' },
      }),
    ).toBe('/metrics/job/akamai_estats/cp_code/424242/delivery/STANDARD_TLS');
  });

  it('base64url-encodes a value holding slashes, such as a URL with a query string', () => {
    const url = 'https://www.example.com/a/b?x=1&y=/2';
    const path = groupingPath({ job: 'akamai_estats', labels: { url } });
    expect(path).toBe(
      `/metrics/job/akamai_estats/url@base64/${Buffer.from(url).toString('base64url')}`,
    );
    expect(path).not.toContain('%2F');
  });

  it('sends an empty value as "=" in base64 form', () => {
    expect(groupingPath({ job: 'j', labels: { instance: '' } })).toBe(
      '/metrics/job/j/instance@base64/=',
    );
  });

  it('base64-encodes a job holding a slash too', () => {
    expect(groupingPath({ job: 'a/b' })).toBe(
      `/metrics/job@base64/${Buffer.from('a/b').toString('base64url')}`,
    );
  });

  it('percent-encodes other characters that are not path-safe', () => {
    expect(groupingPath({ job: 'j', labels: { name: 'a b?ü' } })).toBe(
      '/metrics/job/j/name/a%20b%3F%C3%BC',
    );
  });

  it.each([
    ['0abc', 'starts with a digit'],
    ['__name', 'is reserved'],
    ['with-dash', 'has a dash'],
    ['', 'is empty'],
  ])('refuses the label name %j (%s), naming it', (name) => {
    expect(() => groupingPath({ job: 'j', labels: { [name]: 'v' } })).toThrow(
      `invalid label name ${JSON.stringify(name)}`,
    );
  });

  it('refuses an empty job and a second "job" label', () => {
    expect(() => groupingPath({ job: '' })).toThrow('job must not be empty');
    expect(() => groupingPath({ job: 'j', labels: { job: 'x' } })).toThrow(
      '"job" cannot be a further grouping label',
    );
  });

  it('describes a group readably', () => {
    expect(describeGroup({ job: 'j', labels: { url: 'https://x/y' } })).toBe(
      '{job="j",url="https://x/y"}',
    );
  });
});
