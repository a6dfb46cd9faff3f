import { logLevelFromEnv } from '../../../src/config/invocation';
import { lambdaLoggingOf } from '../../../src/deploy/stageSettings';
import { lambdaHandler } from '../../../src/handlers/lambdaHandler';
import { lambdaContext } from '../../helpers/lambdaContext';

/** The JSON lines an invocation of a handler that logs at each level writes to stdout. */
async function linesOf(
  handler: ReturnType<typeof lambdaHandler<unknown>>,
  env: Record<string, string>,
): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await handler.withEnv(env)({}, lambdaContext(10_000, 'probe'));
  } finally {
    spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const probe = lambdaHandler<unknown>('probe', 'probe run', async (_event, { logger }) => {
  logger.debug('debug line');
  logger.info('info line');
  logger.warn('warn line');
  logger.error('error line');
});

const TRACE_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1';

describe('the log lines of an invocation', () => {
  // One module, one execution environment: the first invocation below is its cold start.
  it('carry Lambda’s and Powertools’ field names: timestamp, level, service, cold_start, xray_trace_id', async () => {
    const first = await linesOf(probe, { _X_AMZN_TRACE_ID: TRACE_HEADER });
    const second = await linesOf(probe, {});

    expect(first.map((line) => line.message)).toEqual(['info line', 'warn line', 'error line']);
    for (const line of first) {
      expect(line).toMatchObject({
        service: 'pushgate-collector',
        function: 'probe',
        cold_start: true,
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      });
      expect(typeof line.requestId).toBe('string');
      // RFC 3339, which Lambda's JSON log format takes as the event's time.
      expect(line.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(line).not.toHaveProperty('time');
    }
    expect(first.map((line) => line.level)).toEqual(['info', 'warn', 'error']);

    expect(second[0]).toMatchObject({ cold_start: false });
    // No trace header (npm start, invoke local): no field rather than an empty one.
    expect(second[0]).not.toHaveProperty('xray_trace_id');
  });

  it('follow the ApplicationLogLevel Lambda sets over LOG_LEVEL', async () => {
    const lines = await linesOf(probe, { LOG_LEVEL: 'debug', AWS_LAMBDA_LOG_LEVEL: 'WARN' });
    expect(lines.map((line) => line.level)).toEqual(['warn', 'error']);
    expect((await linesOf(probe, { LOG_LEVEL: 'debug' })).map((line) => line.level)).toEqual([
      'debug',
      'info',
      'warn',
      'error',
    ]);
  });
});

describe('the log level', () => {
  it.each([
    ['TRACE', 'debug'],
    ['DEBUG', 'debug'],
    ['INFO', 'info'],
    ['WARN', 'warn'],
    ['ERROR', 'error'],
    ['FATAL', 'error'],
  ])('is %s of Lambda as our %s', (lambdaLevel, ours) => {
    expect(logLevelFromEnv({ AWS_LAMBDA_LOG_LEVEL: lambdaLevel, LOG_LEVEL: 'info' })).toBe(ours);
  });

  it('is LOG_LEVEL without Lambda’s, or with one Lambda does not define', () => {
    expect(logLevelFromEnv({ LOG_LEVEL: 'warn' })).toBe('warn');
    expect(logLevelFromEnv({ LOG_LEVEL: 'warn', AWS_LAMBDA_LOG_LEVEL: 'LOUD' })).toBe('warn');
    expect(logLevelFromEnv({})).toBe('info');
  });

  it('is packaged as the functions’ ApplicationLogLevel, in the JSON log format', () => {
    expect(lambdaLoggingOf({ LOG_LEVEL: 'debug' })).toEqual({
      logFormat: 'JSON',
      applicationLogLevel: 'DEBUG',
      systemLogLevel: 'INFO',
    });
    expect(lambdaLoggingOf({}).applicationLogLevel).toBe('INFO');
  });
});

describe('an execution environment started by provisioned concurrency', () => {
  it('is not a cold start', async () => {
    type Module = { lambdaHandler: typeof lambdaHandler };
    let fresh: Module = { lambdaHandler };
    // A fresh module: an execution environment that has not been invoked yet.
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      fresh = require('../../../src/handlers/lambdaHandler') as Module;
    });
    const handler = fresh.lambdaHandler<unknown>(
      'probe',
      'probe run',
      async (_event, { logger }) => {
        logger.info('info line');
      },
    );
    expect(fresh.lambdaHandler).not.toBe(lambdaHandler);
    const [line] = await linesOf(handler, {
      AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency',
    });
    expect(line).toMatchObject({ cold_start: false });
  });
});
