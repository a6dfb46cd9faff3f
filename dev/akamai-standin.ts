/**
 * `npm run standin:akamai`: run the local eStats stand-in (HTTPS, EdgeGrid-verifying, the
 * same one the tests use) and write an .edgerc for it, so a function can be run locally with
 * `serverless invoke local` and no Akamai account. Prints the exact commands to use.
 *
 *   npm run standin:akamai -- [--port 9443] [--incident <cpCode>]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEstatsSimulator } from './simulators/akamai/server';
import { ensureTestCa } from './simulators/tls';

const HELP = `Usage: npm run standin:akamai -- [options]

Runs a local HTTPS stand-in for Akamai's eStats API that verifies EdgeGrid signatures and
answers with simulated, time-varying traffic. Writes .tmp/standin.edgerc (section [default]).

Options:
  --port <n>           port to listen on (default 9443)
  --incident <cpCode>  answer this CP code with a 5xx spike (40 % of edge hits); repeatable
  -h, --help           show this help
`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9443' },
    incident: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`--port must be a port number, got ${JSON.stringify(values.port)}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const ca = ensureTestCa(join(root, '.tmp', 'local-ca'));
  const client = {
    clientToken: 'akab-local-standin-client',
    accessToken: 'akab-local-standin-access',
    clientSecret: 'TG9jYWxTdGFuZGluU2VjcmV0MDAwMDAwMDAwMDAwMDA=',
  };
  const akamai = await startEstatsSimulator({
    tls: { key: readFileSync(ca.serverKeyPath), cert: readFileSync(ca.serverCertPath) },
    clients: new Map([
      [client.clientToken, { clientSecret: client.clientSecret, accessToken: client.accessToken }],
    ]),
    port,
    onAnswer: (r) =>
      process.stdout.write(
        `${r.at.toISOString()} ${JSON.stringify(r.body ?? r.path)} → HTTP ${r.status}\n`,
      ),
  }).catch((error: NodeJS.ErrnoException) => {
    const hint = error.code === 'EADDRINUSE' ? ` (port ${port} is in use: pass --port)` : '';
    throw new Error(`cannot start the stand-in: ${error.message}${hint}`);
  });
  for (const cpCode of values.incident) {
    akamai.setBehaviour({ cpCode: Number(cpCode) }, { kind: 'incident', edge5xxRatio: 0.4 });
  }
  const edgerc = join(root, '.tmp', 'standin.edgerc');
  writeFileSync(
    edgerc,
    `[default]\nclient_secret = ${client.clientSecret}\nhost = ${akamai.host}\naccess_token = ${client.accessToken}\nclient_token = ${client.clientToken}\n`,
  );
  process.stdout.write(
    [
      `eStats stand-in (simulated data) listening on ${akamai.url}`,
      `credentials written to ${edgerc}; CA bundle at ${ca.bundlePath}`,
      '',
      '(paths are absolute: serverless invoke local runs the handler from its build folder)',
      'In another terminal, with a Pushgateway on 127.0.0.1:9091 (prometheus-pushgateway):',
      `  NODE_EXTRA_CA_CERTS=${ca.bundlePath} AKAMAI_EDGERC=${edgerc} \\`,
      '    npx serverless invoke local --stage local -f estats -p examples/estats-event.json',
      '',
      'Ctrl-C stops the stand-in.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    void akamai.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
