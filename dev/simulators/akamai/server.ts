import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type ApiClient, EdgeGridVerifier } from './edgegridVerifier';
import { RateLimiter } from './rateLimit';
import { type ReportingOptions, TRAFFIC_REPORT_PATH, TrafficReport } from './reporting';
import { type EstatsRequestBody, simulateEstatsAnswer } from './traffic';

/**
 * A local stand-in for Akamai's eStats API (Edge Diagnostics), faithful where the collector
 * depends on it: HTTPS only, EdgeGrid signatures verified the way Akamai's gateway does
 * (pep-authn problem types), the request body checked against the API's schema
 * (exactly one of cpCode/url, closed enums, no extra fields), the rate limit as Akamai
 * documents it (rateLimit.ts: one budget per client token across every connection, the three
 * X-RateLimit headers on every answer, 429 + Retry-After once spent), and answers in the
 * published format. Behaviours per target let tests
 * and `npm start` inject incidents, error answers, garbage, delays and connection resets.
 */
export type TargetBehaviour =
  | { kind: 'normal' }
  | { kind: 'incident'; edge5xxRatio: number }
  | {
      kind: 'status';
      status: number;
      problem?: Record<string, unknown>;
      headers?: Record<string, string>;
      /**
       * A 429 that stands for a spent budget: until its Retry-After has passed, the client's
       * every request gets another 429, as with Akamai, so a retry that comes too soon shows
       * in the recorded statuses.
       */
      holdsUntilRetryAfter?: boolean;
    }
  | { kind: 'body'; body: string; contentType?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' };

export interface RecordedRequest {
  at: Date;
  path: string;
  query: Record<string, string>;
  body: unknown;
  clientToken?: string;
  status: number;
}

/** A CP code of the CP Codes and Reporting Groups API stand-in. */
export interface StandinCpCode {
  cpcodeId: number;
  cpcodeName: string;
  contractId: string;
  groupId: number;
  productIds: readonly string[];
}

export interface EstatsSimulatorOptions {
  tls: { key: string | Buffer; cert: string | Buffer };
  clients: ReadonlyMap<string, ApiClient>;
  host?: string;
  port?: number;
  /** Requests per minute per client before 429 (Akamai's "medium" tier is ~40). */
  rateLimitPerMinute?: number;
  /** A raised limit for some clients, by client token. */
  rateLimits?: ReadonlyMap<string, number>;
  /**
   * The window the limit is counted over: Akamai's is a minute. Benchmarks and tests shrink
   * it to run the same budget arithmetic faster (Remaining recovers limit/window per ms).
   */
  rateWindowMs?: number;
  now?: () => number;
  /**
   * The limiter to spend, instead of one of its own: several stand-ins on their own origins
   * then share one budget per client, as Akamai does for callers that each hold their own
   * connections (Lambda instances), and for clients that each have their own host.
   */
  rateLimiter?: RateLimiter;
  /** Every answer that has data takes this long (Akamai computes them in about a second). */
  answerDelayMs?: number;
  /** Called after each answer (for a console log of the traffic). */
  onAnswer?: (request: RecordedRequest) => void;
  /**
   * The CP Codes and Reporting Groups API (`GET /cprg/v1/cpcodes`): the CP codes of each
   * account, by accountSwitchKey ('' for the API client's own account), and the client tokens
   * granted the API (default: every client).
   */
  cprg?: {
    accounts: ReadonlyMap<string, readonly StandinCpCode[]>;
    grantedClients?: ReadonlySet<string>;
  };
  /**
   * The Reporting API's traffic report (reporting.ts): its limits. Its accounts are the CP-code
   * list's (`cprg.accounts`): a CP code outside them is unauthorized.
   */
  reporting?: ReportingOptions;
}

export interface EstatsSimulator {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, the `host` of an .edgerc section. */
  host: string;
  requests: RecordedRequest[];
  setBehaviour(target: { cpCode: number } | { url: string }, behaviour: TargetBehaviour): void;
  /** Answer the next `count` CP-code list requests this way instead (a 429, a 500, …). */
  queueCpCodesBehaviour(
    behaviour: Extract<TargetBehaviour, { kind: 'status' }>,
    count?: number,
  ): void;
  /** Behaviour for the next `count` requests of any target, before per-target ones. */
  queueBehaviour(behaviour: TargetBehaviour, count?: number): void;
  /** The Reporting API's `delivery/traffic/current` (its CP codes' behaviours, final values). */
  traffic: TrafficReport;
  stop(): Promise<void>;
}

export const ESTATS_API_PATH = '/edge-diagnostics/v1/estats';
export const CPCODES_API_PATH = '/cprg/v1/cpcodes';
const CPRG_PROBLEM_BASE = 'https://problems.luna.akamaiapis.net/cprg';
const PROBLEM_BASE = 'https://problems.luna.akamaiapis.net/edge-diagnostics';
const DELIVERY = new Set(['STANDARD_TLS', 'ENHANCED_TLS']);
const ERROR_TYPES = new Set(['EDGE_ERRORS', 'ORIGIN_ERRORS']);

export async function startEstatsSimulator(
  options: EstatsSimulatorOptions,
): Promise<EstatsSimulator> {
  const now = options.now ?? Date.now;
  const verifier = new EdgeGridVerifier(options.clients, now);
  const behaviours = new Map<string, TargetBehaviour>();
  const queued: TargetBehaviour[] = [];
  const queuedCpCodes: Array<Extract<TargetBehaviour, { kind: 'status' }>> = [];
  const requests: RecordedRequest[] = [];
  const traffic = new TrafficReport(options.reporting ?? {}, now, options.cprg?.accounts);
  // Per client token: until when a held 429 (holdsUntilRetryAfter) answers every request.
  const retryNotBefore = new Map<string, number>();
  const rateLimiter =
    options.rateLimiter ??
    new RateLimiter({
      limit: options.rateLimitPerMinute ?? 40,
      ...(options.rateLimits ? { limits: options.rateLimits } : {}),
      windowMs: options.rateWindowMs ?? 60_000,
      now,
    });

  const server: Server = createServer(
    { key: options.tls.key, cert: options.tls.cert },
    (req, res) => {
      readBody(req)
        .then((body) => handle(req, res, body))
        .catch(() =>
          problem(res, 500, { type: `${PROBLEM_BASE}/internal`, title: 'Internal error' }),
        );
    },
  );

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://placeholder');
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedRequest = {
      at: new Date(now()),
      path: url.pathname,
      query,
      body: undefined,
      status: 0,
    };
    requests.push(record);
    const send = (
      status: number,
      payload: unknown,
      headers: Record<string, string> = {},
      type = 'application/json',
    ) => {
      record.status = status;
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      options.onAnswer?.(record);
    };

    const verification = verifier.verify({
      method: req.method ?? 'GET',
      scheme: 'https',
      host: req.headers.host ?? '',
      pathWithQuery: req.url ?? '/',
      body,
      authorization: req.headers.authorization,
    });
    if (!verification.ok) {
      return send(
        verification.status,
        gatewayProblem(verification, req),
        {},
        'application/problem+json',
      );
    }
    record.clientToken = verification.clientToken;
    if (url.pathname === CPCODES_API_PATH && req.method === 'GET')
      return answerCpCodes(verification.clientToken, query, send);
    if (url.pathname === TRAFFIC_REPORT_PATH) {
      const text = body.toString('utf8');
      try {
        record.body = JSON.parse(text);
      } catch {
        record.body = text;
      }
      const answer = traffic.answer(req.method ?? 'GET', query, text);
      return send(answer.status, answer.body, answer.headers, answer.type);
    }
    if (url.pathname !== ESTATS_API_PATH) {
      return send(
        404,
        { type: `${PROBLEM_BASE}/not.found`, title: 'Not found', status: 404 },
        {},
        'application/problem+json',
      );
    }
    if (req.method !== 'POST') {
      return send(
        405,
        { type: `${PROBLEM_BASE}/method.not.allowed`, title: 'Method not allowed', status: 405 },
        {},
        'application/problem+json',
      );
    }

    const comeBackAt = retryNotBefore.get(verification.clientToken) ?? 0;
    if (now() < comeBackAt) {
      return send(
        429,
        tooManyRequests('Retried before the Retry-After of the previous answer had passed'),
        { 'retry-after': String(Math.ceil((comeBackAt - now()) / 1000)) },
        'application/problem+json',
      );
    }
    const budget = rateLimiter.take(verification.clientToken);
    const rateHeaders = budget.headers;
    if (!budget.allowed) {
      return send(
        429,
        tooManyRequests('You have exceeded total number of requests configured for this API'),
        { ...rateHeaders, 'retry-after': String(budget.retryAfterSeconds) },
        'application/problem+json',
      );
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return send(
        400,
        badRequest('Request body is not valid JSON'),
        rateHeaders,
        'application/problem+json',
      );
    }
    record.body = parsed;
    const invalid = validateEstatsBody(parsed);
    if (invalid) return send(400, badRequest(invalid), rateHeaders, 'application/problem+json');
    const estatsBody = parsed as EstatsRequestBody;

    const key = targetKey(
      estatsBody.cpCode !== undefined
        ? { cpCode: estatsBody.cpCode }
        : { url: estatsBody.url ?? '' },
    );
    const behaviour = queued.shift() ?? behaviours.get(key) ?? { kind: 'normal' };
    if (options.answerDelayMs) {
      await new Promise((resolve) => setTimeout(resolve, options.answerDelayMs));
      if (res.destroyed) return;
    }
    switch (behaviour.kind) {
      case 'status':
        if (behaviour.holdsUntilRetryAfter)
          retryNotBefore.set(
            verification.clientToken,
            now() + Number(behaviour.headers?.['retry-after'] ?? 0) * 1000,
          );
        return send(
          behaviour.status,
          behaviour.problem ?? {
            type: `${PROBLEM_BASE}/error`,
            title: 'Simulated error',
            status: behaviour.status,
          },
          { ...rateHeaders, ...behaviour.headers },
          'application/problem+json',
        );
      case 'body':
        return send(200, behaviour.body, rateHeaders, behaviour.contentType ?? 'application/json');
      case 'reset':
        record.status = -1;
        req.socket.destroy();
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
        if (res.destroyed) return;
        return send(200, simulateEstatsAnswer(estatsBody, new Date(now())), rateHeaders);
      case 'incident':
        return send(
          200,
          simulateEstatsAnswer(estatsBody, new Date(now()), {
            incident5xxRatio: behaviour.edge5xxRatio,
          }),
          rateHeaders,
        );
      default:
        return send(200, simulateEstatsAnswer(estatsBody, new Date(now())), rateHeaders);
    }
  };

  /** GET /cprg/v1/cpcodes: the grant, the account, the filters, then the list. */
  const answerCpCodes = (
    clientToken: string,
    query: Record<string, string>,
    send: (
      status: number,
      payload: unknown,
      headers?: Record<string, string>,
      type?: string,
    ) => void,
  ) => {
    const problemOf = (status: number, type: string, title: string, detail: string) =>
      send(status, { type, title, status, detail }, {}, 'application/problem+json');
    const scripted = queuedCpCodes.shift();
    if (scripted)
      return send(
        scripted.status,
        scripted.problem ?? {
          type: `${CPRG_PROBLEM_BASE}/error`,
          title: 'Simulated error',
          status: scripted.status,
        },
        scripted.headers ?? {},
        'application/problem+json',
      );
    const cprg = options.cprg;
    if (!cprg || (cprg.grantedClients && !cprg.grantedClients.has(clientToken)))
      return problemOf(
        403,
        'https://problems.luna.akamaiapis.net/-/pep-authz/deny',
        'Not authorized',
        'The client is not authorized to invoke the service',
      );
    const unknownParams = Object.keys(query).filter(
      (name) =>
        !['contractId', 'groupId', 'productId', 'cpcodeName', 'accountSwitchKey'].includes(name),
    );
    if (unknownParams.length > 0)
      return problemOf(
        400,
        `${CPRG_PROBLEM_BASE}/bad-request`,
        'Bad Request',
        `Unknown query parameter(s): ${unknownParams.join(', ')}`,
      );
    const account = cprg.accounts.get(query.accountSwitchKey ?? '');
    if (!account)
      return problemOf(
        403,
        `${CPRG_PROBLEM_BASE}/forbidden`,
        'Forbidden',
        `The account switch key ${query.accountSwitchKey ?? ''} is not valid for this client`,
      );
    // IDs with or without Akamai's ctr_ / grp_ / prd_ prefixes, as the API takes them.
    const bare = (id: string | undefined, prefix: string) =>
      id?.replace(new RegExp(`^${prefix}`), '');
    const contractId = bare(query.contractId, 'ctr_');
    if (contractId && !account.some((cp) => cp.contractId === contractId))
      return problemOf(
        400,
        `${CPRG_PROBLEM_BASE}/invalid-contract`,
        'Invalid contract',
        `The contract ${query.contractId} is not valid for this client`,
      );
    const groupId = bare(query.groupId, 'grp_');
    const productId = bare(query.productId, 'prd_');
    const listed = account.filter(
      (cp) =>
        (!contractId || cp.contractId === contractId) &&
        (!groupId || String(cp.groupId) === groupId) &&
        (!productId || cp.productIds.includes(productId)) &&
        (!query.cpcodeName || cp.cpcodeName.toLowerCase().includes(query.cpcodeName.toLowerCase())),
    );
    return send(200, {
      cpcodes: listed.map((cp) => ({
        accessGroup: { contractId: cp.contractId, groupId: cp.groupId },
        accountId: 'A-CCT5678',
        contracts: [{ contractId: cp.contractId, status: 'ongoing' }],
        cpcodeId: cp.cpcodeId,
        cpcodeName: cp.cpcodeName,
        defaultTimezone: 'GMT 0 (Greenwich Mean Time)',
        overrideTimezone: { timezoneId: '0', timezoneValue: 'GMT 0 (Greenwich Mean Time)' },
        products: cp.productIds.map((id) => ({
          productId: id,
          productName: id.replaceAll('_', ' '),
        })),
        purgeable: true,
        type: 'Regular',
      })),
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = `${options.host ?? '127.0.0.1'}:${address.port}`;
  return {
    url: `https://${host}`,
    host,
    requests,
    setBehaviour: (target, behaviour) => behaviours.set(targetKey(target), behaviour),
    queueBehaviour: (behaviour, count = 1) => {
      for (let i = 0; i < count; i++) queued.push(behaviour);
    },
    traffic,
    queueCpCodesBehaviour: (behaviour, count = 1) => {
      for (let i = 0; i < count; i++) queuedCpCodes.push(behaviour);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Edge Diagnostics' 429 problem, with why. */
function tooManyRequests(detail: string) {
  return {
    type: `${PROBLEM_BASE}/requests.exceeded.error`,
    title: 'Too many requests',
    status: 429,
    detail,
  };
}

function targetKey(target: { cpCode: number } | { url: string }): string {
  return 'cpCode' in target ? `cp:${target.cpCode}` : `url:${target.url}`;
}

/** The checks of the API's request schema (additionalProperties: false, oneOf cpCode/url). */
export function validateEstatsBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'Request body must be a JSON object';
  const record = body as Record<string, unknown>;
  const extra = Object.keys(record).filter(
    (k) => !['cpCode', 'url', 'delivery', 'errorType'].includes(k),
  );
  if (extra.length > 0) return `Unknown field(s): ${extra.join(', ')}`;
  const hasCp = record.cpCode !== undefined;
  const hasUrl = record.url !== undefined;
  if (hasCp === hasUrl) return 'Exactly one of cpCode or url is required';
  if (hasCp && (!Number.isInteger(record.cpCode) || (record.cpCode as number) < 0))
    return 'cpCode must be a non-negative integer';
  if (hasUrl && (typeof record.url !== 'string' || !URL.canParse(record.url)))
    return 'url must be a fully qualified URL';
  if (record.delivery !== undefined && !DELIVERY.has(String(record.delivery)))
    return 'delivery must be STANDARD_TLS or ENHANCED_TLS';
  if (record.errorType !== undefined && !ERROR_TYPES.has(String(record.errorType)))
    return 'errorType must be EDGE_ERRORS or ORIGIN_ERRORS';
  return undefined;
}

function badRequest(detail: string) {
  return {
    type: `${PROBLEM_BASE}/bad.request.error`,
    title: 'Bad request',
    status: 400,
    detail,
    errors: [{ type: `${PROBLEM_BASE}/field.invalid`, title: 'Invalid field', detail }],
  };
}

function gatewayProblem(
  v: { status: number; type: string; title: string; detail: string },
  req: IncomingMessage,
) {
  return {
    type: v.type,
    title: v.title,
    status: v.status,
    detail: v.detail,
    instance: `https://${req.headers.host ?? ''}${req.url ?? ''}`,
    method: req.method,
    serverIp: '127.0.0.1',
    clientIp: req.socket.remoteAddress ?? '',
    requestId: Math.random().toString(16).slice(2, 10),
    requestTime: new Date().toISOString(),
  };
}

function problem(res: ServerResponse, status: number, payload: Record<string, unknown>) {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ status, ...payload }));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
