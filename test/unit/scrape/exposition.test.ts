import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatOf, parseExposition, parseExpositionBounded } from '../../../src/scrape/exposition';
import { ExpositionError } from '../../../src/scrape/expositionModel';
import { refusalText } from '../../helpers/refusal';

const NODE_EXPORTER = readFileSync(
  join(__dirname, '..', '..', 'fixtures', 'exposition', 'node-exporter-1.5.0.txt'),
  'utf8',
);

describe('the text exposition format (0.0.4)', () => {
  it('reads a real node_exporter body: every TYPE a family, every sample line a sample in it', () => {
    const families = parseExposition(NODE_EXPORTER, 'text');
    const lines = NODE_EXPORTER.split('\n');
    const typed = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    expect(families.map((f) => f.name)).toEqual(typed);
    expect(families.reduce((n, f) => n + f.samples.length, 0)).toBe(
      lines.filter((l) => l !== '' && !l.startsWith('#')).length,
    );
    // A summary keeps its quantiles, _sum and _count together.
    const gc = families.find((f) => f.name === 'go_gc_duration_seconds');
    expect(gc?.type).toBe('summary');
    expect(new Set(gc?.samples.map((s) => s.name))).toEqual(
      new Set([
        'go_gc_duration_seconds',
        'go_gc_duration_seconds_sum',
        'go_gc_duration_seconds_count',
      ]),
    );
    expect(gc?.help).toBe('A summary of the pause duration of garbage collection cycles.');
  });

  it('reads escapes, spacing, a trailing comma, special values and millisecond timestamps', () => {
    const [family] = parseExposition(
      [
        '# HELP probe_info What the probe saw: a \\\\ and a\\nnewline',
        '# TYPE probe_info gauge',
        'probe_info{ path="C:\\\\tmp", quote="say \\"hi\\"",line="a\\nb", } 1 1700000000123',
        'probe_info{path="inf"} +Inf',
        'probe_info{path="ninf"} -Inf',
        'probe_info{path="nan"} NaN',
        'probe_info{path="exp"} 1.5e+03',
        '',
      ].join('\n'),
      'text',
    );
    expect(family?.help).toBe('What the probe saw: a \\ and a\nnewline');
    expect(family?.samples[0]).toEqual({
      name: 'probe_info',
      labels: { path: 'C:\\tmp', quote: 'say "hi"', line: 'a\nb' },
      value: 1,
      timestampMs: 1_700_000_000_123,
    });
    expect(family?.samples.slice(1).map((s) => s.value)).toEqual([Infinity, -Infinity, NaN, 1500]);
  });

  it('takes samples without TYPE as untyped families, and ignores other comments', () => {
    const families = parseExposition('# just a comment\nup 1\nsome_metric{a="1"} 2\n', 'text');
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['up', 'untyped', 1],
      ['some_metric', 'untyped', 1],
    ]);
  });

  it.each([
    ['ok 1\nbad{x="1" 2\n', 'line 2: labels must be separated by ","'],
    ['ok 1\nbad{x="1} 2\n', 'line 2: the value of label x is not closed'],
    ['ok{x=1} 2\n', 'line 1: the value of label x is not quoted'],
    ['ok one\n', 'line 1: one is not a number'],
    ['ok 1 2 3\n', 'line 1: a sample is a value and an optional timestamp'],
    ['ok 1 1.5\n', 'line 1: 1.5 is not a timestamp'],
    ['ok{a="1",a="2"} 1\n', 'line 1: label a appears twice'],
    ['ok{__name__="x"} 1\n', 'line 1: __name__ is a reserved label name'],
    ['# TYPE ok meter\nok 1\n', 'line 1: "meter" is not a metric type'],
    ['# TYPE h histogram\nh 1\n', 'line 2: h is not a sample of the histogram h'],
    ['{a="1"} 1\n', 'line 1: a sample needs a metric name first'],
  ])('refuses %j, naming the line', (body, message) => {
    const text = refusalText(() => parseExposition(body, 'text'));
    expect(text).toContain(message);
    expect(text).toContain('check its URL');
  });

  it('keeps a series given twice: the scrape stores its first sample, as Prometheus does', () => {
    const [family] = parseExposition('ok{x="1",y="2"} 1\nok{y="2", x="1"} 2\n', 'text');
    expect(family?.samples.map((s) => s.value)).toEqual([1, 2]);
  });

  it('lets a TYPE after its samples pass in the text format, as Prometheus does, not in OpenMetrics', () => {
    const [family] = parseExposition('ok 1\n# TYPE ok gauge\n', 'text');
    expect([family?.type, family?.samples.length]).toEqual(['untyped', 1]);
    expect(() => parseExposition('ok 1\n# TYPE ok gauge\n# EOF\n', 'openmetrics')).toThrow(
      'line 2: the TYPE of ok comes after its samples',
    );
  });

  it('counts the samples read before a bad line', () => {
    try {
      parseExposition('a 1\nb 2\nc{x="1" 3\n', 'text');
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ExpositionError);
      expect((error as ExpositionError).samplesRead).toBe(2);
    }
  });

  it('is an ExpositionError that carries the line number', () => {
    try {
      parseExposition('a 1\nb 2\nc{ 3\n', 'text');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(ExpositionError);
      expect((error as ExpositionError).line).toBe(3);
    }
  });
});

describe('OpenMetrics 1.0', () => {
  const body = [
    '# TYPE http_requests counter',
    '# UNIT http_requests requests',
    '# HELP http_requests Requests served.',
    'http_requests_total{code="200"} 1027 1700000000.5 # {trace_id="abc"} 1 1700000000.1',
    'http_requests_created{code="200"} 1699990000',
    '# TYPE build info',
    'build_info{version="1.2.3"} 1',
    '# TYPE latency_seconds histogram',
    'latency_seconds_bucket{le="0.1"} 3',
    'latency_seconds_bucket{le="+Inf"} 5',
    'latency_seconds_sum 0.7',
    'latency_seconds_count 5',
    '# EOF',
    '',
  ].join('\n');

  it('reads counters by their family name, units, info families, exemplars dropped, timestamps in seconds', () => {
    const families = parseExposition(body, 'openmetrics');
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['http_requests', 'counter', 2],
      ['build', 'info', 1],
      ['latency_seconds', 'histogram', 4],
    ]);
    expect(families[0]?.unit).toBe('requests');
    expect(families[0]?.samples[0]).toEqual({
      name: 'http_requests_total',
      labels: { code: '200' },
      value: 1027,
      timestampMs: 1_700_000_000_500,
    });
  });

  it.each([
    [body.replace('# EOF\n', ''), 'the body ends without # EOF (cut short?)'],
    [`${body}extra 1\n`, 'content after # EOF'],
    [body.replace('# TYPE build info\n', '\n# TYPE build info\n'), 'line 6: an empty line'],
    [
      '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n# EOF\n',
      'line 5: the samples of a are not together',
    ],
  ])('refuses a broken body, naming the line (%#)', (text, message) => {
    expect(refusalText(() => parseExposition(text, 'openmetrics'))).toContain(message);
  });

  it('is chosen by the Content-Type', () => {
    expect(formatOf('application/openmetrics-text; version=1.0.0; charset=utf-8')).toBe(
      'openmetrics',
    );
    expect(formatOf('text/plain; version=0.0.4; charset=utf-8')).toBe('text');
    expect(formatOf(undefined)).toBe('text');
  });
});

describe('a parse bounded by the sample limit', () => {
  const body = (n: number) =>
    `# TYPE x gauge\n${Array.from({ length: n }, (_, i) => `x{i="${i}"} ${i}`).join('\n')}\n# TYPE skipped_total counter\nskipped_total 1\n`;
  const kept = (families: Array<{ samples: unknown[] }>) =>
    families.reduce((n, f) => n + f.samples.length, 0);

  it('keeps every sample of a body at exactly the limit', () => {
    const parsed = parseExpositionBounded(body(5), 'text', { sampleLimit: 6 });
    expect(parsed).toMatchObject({ samplesRead: 6, samplesCounted: 6, overLimit: false });
    expect(kept(parsed.families)).toBe(6);
  });

  it('keeps no sample past the limit, and still counts the whole body', () => {
    const parsed = parseExpositionBounded(body(1000), 'text', { sampleLimit: 10 });
    expect(parsed).toMatchObject({ samplesRead: 1001, samplesCounted: 1001, overLimit: true });
    expect(kept(parsed.families)).toBe(10);
    // Past the limit nothing is kept, not even a family's name.
    expect(parsed.families.map((f) => f.name)).toEqual(['x']);
  });

  it('counts only the samples the scrape would keep', () => {
    const parsed = parseExpositionBounded(body(5), 'text', {
      sampleLimit: 5,
      counts: (name) => name !== 'skipped_total',
    });
    expect(parsed).toMatchObject({ samplesRead: 6, samplesCounted: 5, overLimit: false });
  });

  it('only counts past the limit: a bad line there leaves the limit as the reason', () => {
    // The scrape has failed once past the limit; reading the rest line by line would cost a
    // copy of each. Prometheus would name the bad line instead: up 0 either way.
    const parsed = parseExpositionBounded(`${body(20)}bad{ 1\n`, 'text', { sampleLimit: 3 });
    expect(parsed).toMatchObject({ samplesRead: 22, samplesCounted: 22, overLimit: true });
  });

  it('still refuses an OpenMetrics body cut short past the limit, and takes one that ends', () => {
    const many = `# TYPE a gauge\n${Array.from({ length: 10 }, (_, i) => `a{k="${i}"} ${i}`).join('\n')}\n`;
    expect(() => parseExpositionBounded(many, 'openmetrics', { sampleLimit: 2 })).toThrow(
      'the body ends without # EOF (cut short?)',
    );
    expect(
      parseExpositionBounded(`${many}# EOF\n`, 'openmetrics', { sampleLimit: 2 }),
    ).toMatchObject({ samplesRead: 10, overLimit: true });
  });
});
