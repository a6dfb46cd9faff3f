import { RealPushgateway } from '../../dev/realPushgateway';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';

/** What an eStats run needs, running on loopback. */
export interface EstatsStack {
  /** Debian's prometheus-pushgateway, on a free port. */
  readonly pushgateway: RealPushgateway;
  /** The HTTPS Akamai stand-in: it checks each request's EdgeGrid signature. */
  readonly akamai: EstatsSimulator;
  /** An .edgerc whose `standin` section holds the stand-in's credentials. */
  readonly edgercPath: string;
}

/**
 * The real Pushgateway and the Akamai stand-in, started before a test file's tests and
 * stopped after them. Call it at the top of the file, before the file's own hooks: those then
 * find both running. Read its fields inside hooks and tests, not at load time.
 */
export function useEstatsStack(): EstatsStack {
  const started: Partial<EstatsStack> = {};
  beforeAll(async () => {
    Object.assign(started, { pushgateway: await RealPushgateway.start() });
    Object.assign(started, await startAkamaiStandin());
  });
  afterAll(async () => {
    await started.pushgateway?.stop();
    await started.akamai?.stop();
  });
  const running = <K extends keyof EstatsStack>(name: K): EstatsStack[K] => {
    const part = started[name];
    if (part === undefined) throw new Error(`useEstatsStack: ${name} read before it started`);
    return part as EstatsStack[K];
  };
  return {
    get pushgateway() {
      return running('pushgateway');
    },
    get akamai() {
      return running('akamai');
    },
    get edgercPath() {
      return running('edgercPath');
    },
  };
}

/**
 * The environment of an eStats run against `stack`: its Pushgateway, the stand-in's
 * credentials from its .edgerc (no secret), no pacing between requests.
 */
export function standinRunEnv(stack: EstatsStack): Record<string, string | undefined> {
  return {
    PUSHGATEWAY_URL: stack.pushgateway.url,
    AKAMAI_EDGERC: stack.edgercPath,
    AKAMAI_EDGERC_SECTION: 'standin',
    AKAMAI_SECRET_ID: undefined,
    ESTATS_MIN_INTERVAL_MS: '0',
  };
}
