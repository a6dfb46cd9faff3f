import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TimeSeries } from '../../src/metrics/content';
import { decodeWriteRequestBody } from '../../src/sinks/remoteWrite/writeRequest';
import { verifySigV4 } from './sigv4';

/**
 * A local remote-write receiver that checks what the hosted ones check, for the receivers the
 * tests cannot reach: Amazon Managed Service for Prometheus (SigV4 for service `aps`, on
 * `/workspaces/<id>/api/v1/remote_write`), and Mimir / Cortex (`X-Scope-OrgID`), or basic
 * and bearer auth. Every request must carry the remote-write 1.0 headers and a body that
 * decodes (snappy, then the WriteRequest protobuf); what it took is kept for the test to read.
 * Failures can be scripted (a 503 a client must retry, a 400 it must not).
 */
export interface RemoteWriteStandin {
  /** The write URL (AMP's path shape). */
  url: string;
  /** Every request, answered or not. */
  requests: Array<{
    status: number;
    accessKeyId?: string;
    tenant?: string;
    series: number;
    error?: string;
  }>;
  /** The series it accepted, in order. */
  accepted: TimeSeries[];
  /**
   * Answer the next `count` well-formed requests with this status and reason (by default
   * Prometheus' "out of bounds" for a 400, else "service unavailable").
   */
  failNext(status: number, count?: number, reason?: string): void;
  /** From now on, require this Authorization header instead (a rotated credential). */
  requireAuthorization(header: string): void;
  stop(): Promise<void>;
}

export interface RemoteWriteStandinOptions {
  /** SigV4, as AMP: access key id → secret access key, and the region. */
  sigv4?: { keys: ReadonlyMap<string, string>; region: string };
  /** The tenant every request must name in `X-Scope-OrgID`. */
  tenant?: string;
  /** The exact Authorization header every request must send (basic or bearer). */
  authorization?: string;
}

export const STANDIN_WORKSPACE = 'ws-00000000-0000-0000-0000-000000000001';

export async function startRemoteWriteStandin(
  options: RemoteWriteStandinOptions = {},
): Promise<RemoteWriteStandin> {
  const requests: RemoteWriteStandin['requests'] = [];
  const accepted: TimeSeries[] = [];
  const path = `/workspaces/${STANDIN_WORKSPACE}/api/v1/remote_write`;
  let scripted: { status: number; count: number; reason?: string } | undefined;
  let authorization = options.authorization;

  const check = async (req: IncomingMessage, body: Buffer) => {
    if (req.method !== 'POST' || req.url !== path)
      return { status: 404, error: `no ${req.method} ${req.url} here; POST ${path}` };
    let accessKeyId: string | undefined;
    if (options.sigv4) {
      const verdict = await verifySigV4(req, body, { ...options.sigv4, service: 'aps' });
      accessKeyId = verdict.accessKeyId;
      if (!verdict.ok)
        return { status: 403, error: `${verdict.type}: ${verdict.message}`, accessKeyId };
    }
    if (authorization && req.headers.authorization !== authorization)
      return { status: 401, error: 'unauthorized' };
    const tenant = req.headers['x-scope-orgid'] as string | undefined;
    if (options.tenant && tenant !== options.tenant)
      return {
        status: 401,
        error: `no org id (X-Scope-OrgID) or not ${options.tenant}`,
        accessKeyId,
      };
    const wrongHeader = [
      ['content-encoding', 'snappy'],
      ['content-type', 'application/x-protobuf'],
      ['x-prometheus-remote-write-version', '0.1.0'],
    ].find(([name, value]) => req.headers[name as string] !== value);
    if (wrongHeader)
      return {
        status: 400,
        error: `${wrongHeader[0]} must be ${wrongHeader[1]}`,
        accessKeyId,
        tenant,
      };
    let series: TimeSeries[];
    try {
      series = decodeWriteRequestBody(body).timeseries;
    } catch (error) {
      return {
        status: 400,
        error: `cannot decode the body: ${(error as Error).message}`,
        accessKeyId,
        tenant,
      };
    }
    return { status: 200, accessKeyId, tenant, series };
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const result = await check(req, Buffer.concat(chunks));
      let { status } = result;
      let error = 'error' in result ? result.error : undefined;
      if (status === 200 && scripted && scripted.count > 0) {
        scripted.count--;
        status = scripted.status;
        error = scripted.reason ?? (status === 400 ? 'out of bounds' : 'service unavailable');
      }
      const series = 'series' in result && result.series ? result.series : [];
      requests.push({
        status,
        series: series.length,
        ...(result.accessKeyId ? { accessKeyId: result.accessKeyId } : {}),
        ...('tenant' in result && result.tenant ? { tenant: result.tenant } : {}),
        ...(error ? { error } : {}),
      });
      if (status === 200) accepted.push(...series);
      res.writeHead(status, {
        'content-type': 'text/plain',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(error ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    requests,
    accepted,
    failNext: (status, count = 1, reason) => {
      scripted = { status, count, ...(reason ? { reason } : {}) };
    },
    requireAuthorization: (header) => {
      authorization = header;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
