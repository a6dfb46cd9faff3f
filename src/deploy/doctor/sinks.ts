import { connect } from 'node:net';
import type { Env } from '../../config/env';
import { secretAuthSource } from '../../sinks/secretAuth';
import { sinkNamesFromEnv } from '../../sinks/names';
import { connectPushgateway, pushgatewayName } from '../../sinks/pushgateway/connect';
import type { PushgatewaySet } from '../../sinks/pushgateway/pushgatewaySet';
import { pushgatewaySettingsFromEnv } from '../../sinks/pushgateway/settings';
import { RemoteWriteClient } from '../../sinks/remoteWrite/client';
import { REMOTE_WRITE_AUTH, remoteWriteOptionsFromEnv } from '../../sinks/remoteWrite/settings';
import { carbonOptionsFromEnv } from '../../sinks/graphite/settings';
import { GraphiteError } from '../../sinks/graphite/errors';
import { DEFAULT_PUSH_RETRY } from '../../constants';
import type { Deadline } from '../../shared/deadline';
import type { DoctorCheck } from './checks';

/**
 * Every sink of the stage asked whether it answers, with the functions' own clients and
 * credentials, writing nothing: each Pushgateway lists its groups (what the janitor reads),
 * remote write takes a request holding one metadata entry and no sample, and Carbon accepts a
 * connection that sends no line. `envs` are the collectors' functions' environments: the
 * sinks are every function's, the Pushgateways each one's own (a function may have its own).
 */
export function sinkChecks(envs: readonly Env[]): DoctorCheck[] {
  const env = envs[0] ?? {};
  const sinks = sinkNamesFromEnv(env);
  const checks: DoctorCheck[] = [];
  if (sinks.includes('pushgateway')) {
    const seen = new Set<string>();
    for (const itsEnv of envs) {
      // The functions' own connection (its secret read once), one attempt per request: the
      // doctor reports what a first request meets.
      const settings = pushgatewaySettingsFromEnv(itsEnv);
      let connected: Promise<PushgatewaySet> | undefined;
      const connectOnce = (deadline: Deadline) =>
        (connected ??= connectPushgateway(
          { ...settings, retry: { ...DEFAULT_PUSH_RETRY, maxAttempts: 1 } },
          deadline,
        ));
      for (const url of settings.urls) {
        const name = pushgatewayName(url);
        if (seen.has(name)) continue;
        seen.add(name);
        checks.push({
          subject: `Pushgateway ${name}`,
          run: async (deadline) => {
            const member = (await connectOnce(deadline)).members.find((m) => m.name === name);
            const groups = (await member?.client.listGroups(deadline)) ?? [];
            return `answered: it holds ${groups.length} groups`;
          },
        });
      }
    }
  }
  if (sinks.includes('remote-write')) {
    const { authSecret, ...options } = remoteWriteOptionsFromEnv(env);
    checks.push({
      subject: `remote write ${options.url.origin}${options.url.pathname}`,
      run: async (deadline) => {
        const auth = authSecret
          ? await secretAuthSource(authSecret, REMOTE_WRITE_AUTH, deadline)
          : options.auth;
        const client = new RemoteWriteClient({ ...options, auth });
        // Metadata only: the receiver checks the request (auth, SigV4, format), stores no sample.
        const result = await client.write(
          {
            series: [],
            metadata: [
              { type: 'gauge', metricFamilyName: 'collector_doctor_probe', help: 'npm run doctor' },
            ],
          },
          deadline,
        );
        return `took a write request with no sample (${result.requests} request)`;
      },
    });
  }
  if (sinks.includes('graphite')) {
    const options = carbonOptionsFromEnv(env);
    checks.push({
      subject: `Graphite ${options.host}:${options.port}`,
      run: async (deadline) => {
        await connects(options.host, options.port, deadline);
        return 'accepted a connection (no line sent)';
      },
    });
  }
  return checks;
}

/** Whether Carbon's plaintext receiver accepts a TCP connection, within the deadline. */
function connects(host: string, port: number, deadline: Deadline): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (reason: string) => {
      socket.destroy();
      reject(
        new GraphiteError(`cannot connect to ${host}:${port}: ${reason}`, {
          hint: 'check GRAPHITE_HOST (graphiteHost), that Carbon listens there, and the network path from the functions',
        }),
      );
    };
    socket.setTimeout(Math.max(1, deadline.remainingMs()), () => fail('no answer in time'));
    socket.once('error', (error) => fail(error.message));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}
