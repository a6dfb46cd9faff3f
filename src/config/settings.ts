import {
  DEFAULT_ESTATS_MAX_IN_FLIGHT,
  DEFAULT_ESTATS_MIN_INTERVAL_MS,
  DEFAULT_ESTATS_RETRY,
  DEFAULT_ESTATS_TIMEOUT_MS,
  DEFAULT_PUSH_RETRY,
  DEFAULT_PUSH_TIMEOUT_MS,
  DEFAULT_PUSHGATEWAY_URL,
  DEFAULT_SAFETY_MARGIN_MS,
  DEFAULT_SECRET_CACHE_TTL_SECONDS,
} from '../constants';

/**
 * Every setting of the product, each said once. A setting with a `key` is the stage file's
 * `functions.<key>` and the `--param=<key>=…` that overrides it for one deploy; one with a
 * `variable` is the environment variable the functions (or local runs) read. The known-variable
 * check, the functions' environment, packaging and docs/reference/settings.md all come from
 * this table.
 */
export interface Setting {
  /** `functions.<key>` in the stage file, and `--param=<key>=…`. */
  key?: string;
  /** The environment variable it becomes, or that local runs set directly. */
  variable?: string;
  /**
   * Which functions get the variable: every function (the default), or the one of this name
   * in serverless.yml (a collector's is its kind).
   */
  function?: string;
  /** Set on deployed stages only: on `local`, credentials come from .edgerc and env. */
  deployedOnly?: true;
  /** Only a `--param`: it names the stage file, so the file cannot hold it. */
  paramOnly?: true;
  /** Read by `npm start`, the tests or a library, never set by packaging. */
  localOnly?: true;
  /**
   * Packaged even at its default, so the console shows where a function delivers and logs.
   * Any other variable is packaged only when its value differs from the default, which is
   * the function's own.
   */
  alwaysSet?: true;
  /** A whole number from the first to the second (Lambda's limits): checked when packaging. */
  range?: readonly [number, number];
  /** The words it may take: checked when packaging. */
  choices?: readonly string[];
  /** The default, as the docs show it; '' when unset means "none". */
  default: string;
  example: string;
  /** What it does, for the docs (Markdown, one sentence or two). */
  description: string;
  /** The docs' group. */
  group: SettingGroup;
}

export const SETTING_GROUPS = [
  'Sinks',
  'Pushgateway',
  'Remote write',
  'Graphite',
  'Akamai eStats',
  'Akamai traffic',
  'Functions',
  'Network and secrets',
  'Alerting export',
  'Local runs',
] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

const attempts = (what: string) =>
  `attempts per ${what} (1-10), backoff 200 ms doubling to 5 s, full jitter`;

export const SETTINGS: readonly Setting[] = [
  // Where the collectors deliver.
  {
    key: 'sinks',
    alwaysSet: true,
    variable: 'SINKS',
    default: 'pushgateway',
    example: 'pushgateway,remote-write',
    description:
      'where the collectors deliver: `pushgateway`, `remote-write`, `graphite`, or several at once',
    group: 'Sinks',
  },
  {
    key: 'pushgatewayUrl',
    alwaysSet: true,
    variable: 'PUSHGATEWAY_URL',
    default: DEFAULT_PUSHGATEWAY_URL,
    example: 'https://pgw.internal:9091',
    description:
      'Pushgateway base URL (a path prefix is kept), or several separated by commas; no credentials in it. The local stage takes `PUSHGATEWAY_URL` from its environment',
    group: 'Pushgateway',
  },
  {
    key: 'scrapePushgatewayUrl',
    variable: 'PUSHGATEWAY_URL',
    function: 'scrape',
    default: '',
    example: 'https://pgw-exporters.internal:9091',
    description:
      "the scrape schedules' own Pushgateway (or several, comma-separated), instead of `pushgatewayUrl`: every push is checked against every group a Pushgateway holds, so many exporters' families slow the other collectors' pushes, and two exporters that type one name differently refuse each other. The janitor cleans both; add it to your Prometheus's Pushgateway scrape job too",
    group: 'Pushgateway',
  },
  {
    key: 'pushgatewayQuorum',
    variable: 'PUSHGATEWAY_QUORUM',
    default: '1',
    example: '2',
    description:
      'with several Pushgateways: how many must take every group for a run to count as delivered',
    group: 'Pushgateway',
  },
  {
    key: 'pushgatewayAuthSecretName',
    variable: 'PUSHGATEWAY_AUTH_SECRET_ID',
    deployedOnly: true,
    default: '',
    example: 'pushgate-collector/pushgateway-auth',
    description: 'Secrets Manager secret holding `{"username","password"}` or `{"bearerToken"}`',
    group: 'Pushgateway',
  },
  {
    key: 'pushgatewayTimeoutMs',
    variable: 'PUSHGATEWAY_TIMEOUT_MS',
    default: String(DEFAULT_PUSH_TIMEOUT_MS),
    example: '5000',
    description: 'timeout of one push attempt',
    group: 'Pushgateway',
  },
  {
    key: 'pushgatewayMaxAttempts',
    variable: 'PUSHGATEWAY_MAX_ATTEMPTS',
    default: String(DEFAULT_PUSH_RETRY.maxAttempts),
    example: '2',
    description: attempts('push'),
    group: 'Pushgateway',
  },
  {
    key: 'pushgatewayGzipMinBytes',
    variable: 'PUSHGATEWAY_GZIP_MIN_BYTES',
    default: '',
    example: '65536',
    description:
      'gzip push bodies of at least this many bytes (none by default); worth it only across a slow or metered link',
    group: 'Pushgateway',
  },
  {
    variable: 'PUSHGATEWAY_USERNAME',
    localOnly: true,
    default: '',
    example: 'collector',
    description:
      'basic auth user of local runs (`PUSHGATEWAY_PASSWORD` beside it); deployed stages use the secret',
    group: 'Pushgateway',
  },
  {
    variable: 'PUSHGATEWAY_PASSWORD',
    localOnly: true,
    default: '',
    example: 's3cret',
    description: 'basic auth password of local runs',
    group: 'Pushgateway',
  },
  {
    variable: 'PUSHGATEWAY_BEARER_TOKEN',
    localOnly: true,
    default: '',
    example: 'eyJ…',
    description: 'bearer auth of local runs, instead of basic',
    group: 'Pushgateway',
  },
  {
    key: 'remoteWriteUrl',
    variable: 'REMOTE_WRITE_URL',
    default: '',
    example: 'http://mimir:8080/api/v1/push',
    description: "the remote-write receiver's write endpoint (with `sinks` naming `remote-write`)",
    group: 'Remote write',
  },
  {
    key: 'remoteWriteTenant',
    variable: 'REMOTE_WRITE_TENANT',
    default: '',
    example: 'team-cdn',
    description: 'sent as `X-Scope-OrgID` (Mimir, Cortex)',
    group: 'Remote write',
  },
  {
    key: 'remoteWriteSigv4Region',
    variable: 'REMOTE_WRITE_SIGV4_REGION',
    default: '',
    example: 'eu-central-1',
    description:
      'sign with SigV4 for Amazon Managed Service for Prometheus (with `ampWorkspaceArn`), with the AWS SDK credential chain',
    group: 'Remote write',
  },
  {
    key: 'ampWorkspaceArn',
    default: '',
    example: 'arn:aws:aps:eu-central-1:123456789012:workspace/ws-…',
    description: 'the AMP workspace the functions may write to (`aps:RemoteWrite`)',
    group: 'Remote write',
  },
  {
    key: 'remoteWriteAuthSecretName',
    variable: 'REMOTE_WRITE_AUTH_SECRET_ID',
    deployedOnly: true,
    default: '',
    example: 'pushgate-collector/remote-write-auth',
    description:
      'Secrets Manager secret holding the receiver\'s `{"username","password"}` or `{"bearerToken"}`',
    group: 'Remote write',
  },
  {
    variable: 'REMOTE_WRITE_USERNAME',
    localOnly: true,
    default: '',
    example: 'collector',
    description:
      'basic auth user of the receiver in local runs (`REMOTE_WRITE_PASSWORD` beside it)',
    group: 'Remote write',
  },
  {
    variable: 'REMOTE_WRITE_PASSWORD',
    localOnly: true,
    default: '',
    example: 's3cret',
    description: 'basic auth password of the receiver in local runs',
    group: 'Remote write',
  },
  {
    variable: 'REMOTE_WRITE_BEARER_TOKEN',
    localOnly: true,
    default: '',
    example: 'eyJ…',
    description: 'bearer auth of the receiver in local runs',
    group: 'Remote write',
  },
  {
    key: 'remoteWriteMaxBytes',
    variable: 'REMOTE_WRITE_MAX_BYTES',
    default: '1048576',
    example: '262144',
    description: 'largest uncompressed request; larger writes are split',
    group: 'Remote write',
  },
  {
    key: 'remoteWriteConcurrency',
    variable: 'REMOTE_WRITE_CONCURRENCY',
    default: '4',
    example: '2',
    description: 'requests of one write in flight (1-32)',
    group: 'Remote write',
  },
  {
    key: 'remoteWriteTimeoutMs',
    variable: 'REMOTE_WRITE_TIMEOUT_MS',
    default: '10000',
    example: '5000',
    description: 'timeout of one request',
    group: 'Remote write',
  },
  {
    key: 'remoteWriteMaxAttempts',
    variable: 'REMOTE_WRITE_MAX_ATTEMPTS',
    default: String(DEFAULT_PUSH_RETRY.maxAttempts),
    example: '2',
    description: `${attempts('write')}, on 5xx, 429 and network errors (other 4xx are never retried)`,
    group: 'Remote write',
  },
  {
    key: 'graphiteHost',
    variable: 'GRAPHITE_HOST',
    default: '',
    example: 'carbon.internal:2003',
    description: "Carbon's plaintext line receiver: `host` or `host:port` (port 2003 by default)",
    group: 'Graphite',
  },
  {
    key: 'graphiteTimeoutMs',
    variable: 'GRAPHITE_TIMEOUT_MS',
    default: '10000',
    example: '5000',
    description: 'time to connect and write',
    group: 'Graphite',
  },
  {
    key: 'graphiteMaxAttempts',
    variable: 'GRAPHITE_MAX_ATTEMPTS',
    default: String(DEFAULT_PUSH_RETRY.maxAttempts),
    example: '2',
    description: `${attempts('write')}, on a connection error or timeout`,
    group: 'Graphite',
  },
  // Akamai.
  {
    key: 'akamaiSecretName',
    alwaysSet: true,
    variable: 'AKAMAI_SECRET_ID',
    function: 'estats',
    deployedOnly: true,
    default: 'pushgate-collector/akamai-edgegrid',
    example: 'retail/akamai-edgegrid',
    description:
      'Secrets Manager secret with the EdgeGrid credentials of a schedule that names no API client (clients under `akamai.clients` name their own)',
    group: 'Akamai eStats',
  },
  {
    variable: 'AKAMAI_EDGERC',
    localOnly: true,
    default: '~/.edgerc',
    example: '/home/me/.edgerc',
    description: 'EdgeGrid credentials file of local runs',
    group: 'Akamai eStats',
  },
  {
    variable: 'AKAMAI_EDGERC_SECTION',
    localOnly: true,
    default: 'default',
    example: 'ccu',
    description: 'section of that file',
    group: 'Akamai eStats',
  },
  {
    variable: 'AKAMAI_LOG_LEVEL',
    localOnly: true,
    default: '',
    example: '',
    description:
      "akamai-edgegrid's own logging, switched off by us; accepted so the library's documented variables are not refused as typos",
    group: 'Akamai eStats',
  },
  {
    variable: 'AKAMAI_LOG_PRETTY',
    localOnly: true,
    default: '',
    example: '',
    description: "akamai-edgegrid's log format, as above",
    group: 'Akamai eStats',
  },
  {
    variable: 'ESTATS_SCHEDULE',
    localOnly: true,
    default: '',
    example: '{"targets":[{"cpCode":1}]}',
    description: 'the eStats schedule of a local run whose event carries none',
    group: 'Akamai eStats',
  },
  {
    key: 'estatsMinIntervalMs',
    variable: 'ESTATS_MIN_INTERVAL_MS',
    default: String(DEFAULT_ESTATS_MIN_INTERVAL_MS),
    example: '3000',
    description:
      "spacing between eStats requests when Akamai's answers carry no `X-RateLimit-*` headers",
    group: 'Akamai eStats',
  },
  {
    key: 'estatsMaxInFlight',
    variable: 'ESTATS_MAX_IN_FLIGHT',
    default: String(DEFAULT_ESTATS_MAX_IN_FLIGHT),
    example: '4',
    description: 'eStats requests of one API client in flight at most (1-64)',
    group: 'Akamai eStats',
  },
  {
    key: 'estatsRequestTimeoutMs',
    variable: 'ESTATS_REQUEST_TIMEOUT_MS',
    default: String(DEFAULT_ESTATS_TIMEOUT_MS),
    example: '20000',
    description: 'timeout of one eStats request',
    group: 'Akamai eStats',
  },
  {
    key: 'estatsMaxAttempts',
    variable: 'ESTATS_MAX_ATTEMPTS',
    default: String(DEFAULT_ESTATS_RETRY.maxAttempts),
    example: '1',
    description:
      'attempts per target on 5xx, 429 and network errors (backoff 1 s doubling to 10 s; `Retry-After` honoured)',
    group: 'Akamai eStats',
  },
  // The functions themselves.
  {
    key: 'logLevel',
    alwaysSet: true,
    variable: 'LOG_LEVEL',
    default: 'info',
    example: 'debug',
    description:
      "`debug`, `info`, `warn` or `error`; also the functions' ApplicationLogLevel, which wins when set in the console",
    group: 'Functions',
  },
  {
    key: 'estatsTimeout',
    range: [10, 900],
    default: '110',
    example: '300',
    description:
      "the eStats function's timeout in seconds (10-900); packaging checks each schedule's worst-case run against it",
    group: 'Functions',
  },
  {
    key: 'trafficTimeout',
    range: [10, 900],
    default: '120',
    example: '300',
    description:
      "the traffic function's timeout in seconds (10-900); packaging checks each traffic schedule's ordinary run against it",
    group: 'Functions',
  },
  {
    key: 'scrapeTimeout',
    range: [10, 900],
    default: '50',
    example: '120',
    description:
      "the scrape function's timeout in seconds (10-900); packaging checks each scrape schedule's worst case against it",
    group: 'Functions',
  },
  {
    key: 'memorySize',
    range: [128, 10_240],
    default: '256',
    example: '512',
    description: "every function's memory in MB (128-10240); Lambda gives CPU in proportion",
    group: 'Functions',
  },
  {
    key: 'deadlineSafetyMarginMs',
    variable: 'DEADLINE_SAFETY_MARGIN_MS',
    default: String(DEFAULT_SAFETY_MARGIN_MS),
    example: '5000',
    description:
      'time kept in reserve before the Lambda timeout (the packaging budget checks use it too)',
    group: 'Functions',
  },
  {
    key: 'failureAlarmTopicArn',
    default: '',
    example: 'arn:aws:sns:eu-central-1:123456789012:oncall',
    description:
      'SNS topic ARN(s), comma-separated, at most 5: told when failed runs wait in the failure queue, and when they are cleared (empty: the alarm only shows)',
    group: 'Functions',
  },
  {
    key: 'stageConfig',
    paramOnly: true,
    default: '',
    example: 'stages/prod.yml',
    description: 'the stage file itself, when it is not `config/<stage>.yml` (a `--param` only)',
    group: 'Functions',
  },
  // Network and secrets.
  {
    key: 'architecture',
    choices: ['arm64', 'x86_64'],
    default: 'arm64',
    example: 'x86_64',
    description:
      "the functions' processor: `arm64` (Graviton, 20% less per GB-second) or `x86_64`; the bundles are the same JavaScript, with no native code",
    group: 'Functions',
  },
  {
    key: 'vpcSubnetIds',
    default: '',
    example: 'subnet-0a1b,subnet-2c3d',
    description:
      'comma-separated; with `vpcSecurityGroupIds`, the functions that reach the Pushgateway (the collectors and the janitor, not the alerting export) run in these subnets, to reach a private one; they then need a NAT gateway or VPC endpoints. Their roles get the network-interface actions inline, not the managed AWSLambdaVPCAccessExecutionRole',
    group: 'Network and secrets',
  },
  {
    key: 'vpcSecurityGroupIds',
    default: '',
    example: 'sg-0a1b2c',
    description: 'comma-separated; set with `vpcSubnetIds`, or neither',
    group: 'Network and secrets',
  },
  {
    key: 'httpsProxy',
    variable: 'HTTPS_PROXY',
    default: '',
    example: 'http://proxy.internal:3128',
    description: 'the forward proxy of every request (Akamai, sinks, AWS SDK)',
    group: 'Network and secrets',
  },
  {
    variable: 'HTTP_PROXY',
    localOnly: true,
    default: '',
    example: 'http://proxy.internal:3128',
    description: 'the proxy of plain-HTTP requests in local runs',
    group: 'Network and secrets',
  },
  {
    key: 'noProxy',
    variable: 'NO_PROXY',
    default: '',
    example: '127.0.0.1,.internal',
    description: 'hosts that bypass the proxy',
    group: 'Network and secrets',
  },
  {
    key: 'secretsKmsKeyArn',
    variable: 'SECRETS_KMS_KEY_ARN',
    deployedOnly: true,
    default: '',
    example: 'arn:aws:kms:eu-central-1:123456789012:key/…',
    description:
      'ARN(s) of the customer-managed KMS keys of the secrets above: the functions may decrypt with them through Secrets Manager only (empty: the AWS-managed key)',
    group: 'Network and secrets',
  },
  {
    key: 'secretCacheTtlSeconds',
    variable: 'SECRET_CACHE_TTL_SECONDS',
    default: String(DEFAULT_SECRET_CACHE_TTL_SECONDS),
    example: '60',
    description: 'how long a warm container reuses a secret (a 401 or 403 reads it again at once)',
    group: 'Network and secrets',
  },
  // The alerting export.
  {
    key: 'alertingPrefix',
    alwaysSet: true,
    variable: 'ALERTING_PREFIX',
    function: 'exportAlerting',
    deployedOnly: true,
    default: 'alerting/',
    example: 'prometheus/alerting/',
    description: 'key prefix of the exported alerting files in the `AlertingExportBucket`',
    group: 'Alerting export',
  },
  {
    key: 'alertingExportOnRemove',
    choices: ['keep', 'delete'],
    deployedOnly: true,
    default: 'keep',
    example: 'delete',
    description:
      'what `serverless remove` does with the `AlertingExportBucket`: `keep` retains it and its files (DeletionPolicy Retain), `delete` empties it, every version, and deletes it',
    group: 'Alerting export',
  },
  {
    variable: 'ALERTING_BUCKET',
    localOnly: true,
    default: '',
    example: 'my-bucket',
    description: 'the bucket of the export (packaging sets it to the `AlertingExportBucket`)',
    group: 'Alerting export',
  },
  {
    variable: 'ALERTING_OUT_DIR',
    localOnly: true,
    default: '',
    example: '.tmp/alerting-export',
    description: 'write the export to this folder instead of S3 (local runs)',
    group: 'Alerting export',
  },
  // The traffic collector (Reporting API).
  {
    key: 'trafficRequestTimeoutMs',
    variable: 'TRAFFIC_REQUEST_TIMEOUT_MS',
    function: 'traffic',
    default: '30000',
    example: '60000',
    description: 'timeout of one traffic report request (1,000-900,000 ms)',
    group: 'Akamai traffic',
  },
  {
    key: 'trafficMaxInFlight',
    variable: 'TRAFFIC_MAX_IN_FLIGHT',
    function: 'traffic',
    default: '4',
    example: '2',
    description:
      "traffic report requests of one run in flight at most (1-32); the schedule's share of its account's budget decides when each goes",
    group: 'Akamai traffic',
  },
  {
    variable: 'TRAFFIC_STATE_BUCKET',
    localOnly: true,
    default: '',
    example: 'my-stack-trafficstatebucket-1a2b3c',
    description:
      "the bucket of the traffic schedules' delivered state, what lets a run fill the gap after an outage (packaging sets it to the `TrafficStateBucket`)",
    group: 'Akamai traffic',
  },
  {
    variable: 'TRAFFIC_STATE_DIR',
    localOnly: true,
    default: '',
    example: '.tmp/traffic-state',
    description:
      "keep the traffic schedules' delivered state in this folder instead of S3 (local runs); with neither, each run writes the newest bucket only",
    group: 'Akamai traffic',
  },
  // What only local runs read.
  {
    variable: 'SYNTHETIC_FLEET',
    localOnly: true,
    default: '',
    example: '{"deviceCount":3}',
    description: 'the fleet of a local synthetic run whose event carries none',
    group: 'Local runs',
  },
  {
    variable: 'SYNTHETIC_FLEET_FILE',
    localOnly: true,
    default: '',
    example: 'fleet.json',
    description: 'the same, from a file',
    group: 'Local runs',
  },
  {
    variable: 'SLACK_SINK_HOST',
    localOnly: true,
    default: '127.0.0.1',
    example: '0.0.0.0',
    description:
      "the address `npm start --external-stack`'s local Slack sink listens on (the compose file's collectors container: every address)",
    group: 'Local runs',
  },
  {
    variable: 'DOCS_BASE',
    localOnly: true,
    default: '/',
    example: '/pushgate-collector/',
    description:
      'the path the docs site is served under, for `npm run docs:build` (`npm run docs:pages` sets the GitHub Pages one)',
    group: 'Local runs',
  },
  {
    variable: 'PUSHGATEWAY_BIN',
    localOnly: true,
    default: '',
    example: '/usr/local/bin/pushgateway',
    description:
      "the Pushgateway binary `npm start`, the tests and the bench run (default: Debian's)",
    group: 'Local runs',
  },
];

/** The settings a stage file's `functions:` section (and `--param`) may set. */
export const STAGE_SETTINGS = SETTINGS.filter(
  (s): s is Setting & { key: string } => s.key !== undefined && !s.paramOnly,
);

/** Every name a `--param` may take. */
export const PARAM_NAMES: readonly string[] = SETTINGS.flatMap((s) => (s.key ? [s.key] : []));

/**
 * The prefixes of our variables: one under them that no setting names is a typo
 * (knownVariables.ts). A new setting's variable takes one of them, or adds its own here.
 */
export const VARIABLE_PREFIXES: readonly string[] = [
  'PUSHGATEWAY_',
  'REMOTE_WRITE_',
  'GRAPHITE_',
  'ESTATS_',
  'AKAMAI_',
  'SYNTHETIC_',
  'TRAFFIC_',
  'JANITOR_',
  'SINKS',
];

/** Every environment variable we read, once (a function's own setting may share one). */
export const KNOWN_VARIABLES: readonly string[] = [
  ...new Set(SETTINGS.flatMap((s) => (s.variable ? [s.variable] : []))),
];
