import { formatDuration, isValidDuration, parseDuration } from '../../../src/alerting/duration';

describe('Prometheus durations (the one parser of alerting and npm start)', () => {
  it.each([
    ['90s', 90],
    ['1h30m', 5400],
    ['1d', 86_400],
    ['2w', 1_209_600],
    ['1y', 31_536_000],
    ['500ms', 0.5],
    ['0s', 0],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
    expect(isValidDuration(text)).toBe(true);
  });

  it.each(['', '0', '5', '1m1h', '1.5m', '10 m', 'm'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
    expect(isValidDuration(text)).toBe(false);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [600, '10m'],
    [87_000, '1d10m'],
    [90_061, '1d1h1m1s'],
  ])('writes %d seconds as %s, which reads back the same', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
    expect(parseDuration(text)).toBe(seconds);
  });
});
