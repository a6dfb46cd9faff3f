// One IAM role per function, each with only what that function uses (docs/operations/security.md):
//
//   function        | logs, failure queue | secrets                              | other
//   estats          | its own             | Akamai's (its API clients), sinks'   | aps:RemoteWrite*
//   synthetic       | its own             | sinks'                               | aps:RemoteWrite*
//   scrape          | its own             | its targets' (auth, TLS), sinks'     | aps:RemoteWrite*
//   traffic         | its own             | Akamai's (its API clients), sinks'   | aps:RemoteWrite*, its state
//   janitor         | its own             | the Pushgateway's (it lists groups)  |
//   exportAlerting  | its own             | none                                 | S3 under the prefix, AMP**, emptying***
//
// (* only while SINKS names remote-write and it signs for AMP. ** only with the stage file's
// alerting.export.formats naming amp: its rule groups namespace and alert manager definition.
// *** only with alertingExportOnRemove: delete: list and delete every version of its bucket.) Secrets Manager ARNs end in a
// random 6-character suffix: `-??????`. With the secretsKmsKeyArn setting, the functions that read
// secrets may decrypt with those keys, and only through Secrets Manager (kms:ViaService).
// The packaged template is checked against this table (test/integration/invokeLocal.test.ts).
const sinksOf = (value) =>
  String(value ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);

module.exports = async ({ resolveVariable }) => {
  // The stage's settings (functions: in its file, or --param), resolved once (custom.stage).
  const settings = await resolveVariable('self:custom.stage.settings');
  const setting = (name) => settings[name];
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  // The stage's schedules as serverless.yml resolved them once (custom.stage).
  const schedules = await resolveVariable('self:custom.stage');
  const sinks = sinksOf(setting('sinks'));
  const named = (names) => names.filter((name) => typeof name === 'string' && name !== '');

  const pushgatewaySecrets = sinks.includes('pushgateway')
    ? named([setting('pushgatewayAuthSecretName')])
    : [];
  const remoteWriteSecrets = sinks.includes('remote-write')
    ? named([setting('remoteWriteAuthSecretName')])
    : [];
  const sinkSecrets = [...pushgatewaySecrets, ...remoteWriteSecrets];

  let remoteWrite;
  if (sinks.includes('remote-write') && setting('remoteWriteSigv4Region')) {
    const workspace = setting('ampWorkspaceArn');
    if (!workspace)
      throw new Error(
        'remoteWriteSigv4Region is set but ampWorkspaceArn is not: the functions need the workspace they may write to (functions.ampWorkspaceArn in the stage file: arn:aws:aps:<region>:<account>:workspace/ws-…)',
      );
    remoteWrite = { Effect: 'Allow', Action: ['aps:RemoteWrite'], Resource: workspace };
  }
  const kmsKeys = String(setting('secretsKmsKeyArn') ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  for (const key of kmsKeys)
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(key))
      throw new Error(
        `secretsKmsKeyArn: ${JSON.stringify(key)} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`,
      );

  // A secret named by its ARN (another region or account, whose resource policy lets this
  // one in) is granted as that ARN: as given (complete, with the suffix) and with the suffix
  // added (partial). A name is this stage's region and account.
  const secretArn = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:/;
  const secretResources = (name) =>
    secretArn.test(name)
      ? [name, `${name}-??????`]
      : [
          {
            'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`,
          },
        ];
  const readSecrets = (names) => {
    if (names.length === 0) return [];
    const unique = [...new Set(names)];
    const statements = [
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: unique.flatMap(secretResources),
      },
    ];
    // Decrypting through Secrets Manager in this region, and in each region an ARN names.
    const elsewhere = [...new Set(unique.flatMap((name) => secretArn.exec(name)?.[1] ?? []))].map(
      (region) => `secretsmanager.${region}.amazonaws.com`,
    );
    const here = { 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' };
    if (kmsKeys.length > 0)
      statements.push({
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: kmsKeys,
        Condition: {
          StringEquals: { 'kms:ViaService': elsewhere.length > 0 ? [here, ...elsewhere] : here },
        },
      });
    return statements;
  };

  const prefix = setting('alertingPrefix');
  const writeAlerting = [
    // Its files, and their metadata (content hash), under its prefix only; ListBucket,
    // limited to the prefix, turns a missing object into a 404.
    {
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject'],
      Resource: [{ 'Fn::Sub': `\${AlertingExportBucket.Arn}/${prefix}*` }],
    },
    {
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [{ 'Fn::GetAtt': ['AlertingExportBucket', 'Arn'] }],
      Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    },
  ];

  // alertingExportOnRemove: delete — on remove it empties the bucket, every version.
  if (schedules.exportBucket.emptyOnDelete)
    writeAlerting.push(
      {
        Effect: 'Allow',
        Action: ['s3:ListBucketVersions'],
        Resource: [{ 'Fn::GetAtt': ['AlertingExportBucket', 'Arn'] }],
      },
      {
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        Resource: [{ 'Fn::Sub': '${AlertingExportBucket.Arn}/*' }],
      },
    );

  // The amp export format: the rules' namespace and the alert manager definition, no more.
  const amp = schedules.ampExport;
  if (amp) {
    const arn = (resource) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:aps:${amp.region}:\${AWS::AccountId}:${resource}`,
    });
    const workspace = arn(`workspace/${amp.workspaceId}`);
    writeAlerting.push(
      {
        Effect: 'Allow',
        Action: [
          'aps:DescribeRuleGroupsNamespace',
          'aps:CreateRuleGroupsNamespace',
          'aps:PutRuleGroupsNamespace',
        ],
        Resource: [workspace, arn(`rulegroupsnamespace/${amp.workspaceId}/${amp.namespace}`)],
      },
      {
        Effect: 'Allow',
        Action: [
          'aps:DescribeAlertManagerDefinition',
          'aps:CreateAlertManagerDefinition',
          'aps:PutAlertManagerDefinition',
        ],
        Resource: [workspace],
      },
    );
  }

  // The traffic function's state: its stage's objects in TrafficStateBucket, read and
  // written; ListBucket on that prefix turns a missing object (a first run) into a 404.
  const stateKeys = `traffic-state/${stage}/`;
  const trafficState = [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [{ 'Fn::Sub': `\${TrafficStateBucket.Arn}/${stateKeys}*` }],
    },
    {
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [{ 'Fn::GetAtt': ['TrafficStateBucket', 'Arn'] }],
      Condition: { StringLike: { 's3:prefix': [`${stateKeys}*`] } },
    },
  ];
  /** What a collector's function reaches beyond secrets and sinks, by kind. */
  const ownResources = { traffic: trafficState };

  const inVpc = Boolean((await require('./vpc.js')({ resolveVariable })).config);
  // In a VPC, Lambda creates and removes the function's network interfaces with its role: these
  // actions, inline. Not the managed AWSLambdaVPCAccessExecutionRole, which adds logs:* on
  // every log group; only the roles of the functions that join the VPC get them.
  const networkInterfaces = {
    Effect: 'Allow',
    Action: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    Resource: '*',
  };
  const inTheVpc = (statements) => (inVpc ? [...statements, networkInterfaces] : statements);
  const role = (fn, statements) => ({
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['lambda.amazonaws.com'] },
            Action: ['sts:AssumeRole'],
          },
        ],
      },
      Policies: [
        {
          PolicyName: `${service}-${stage}-${fn}`,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              // Its own log group (created by the framework), and the failure queue.
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: [
                  {
                    'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${stage}-${fn}:*`,
                  },
                ],
              },
              {
                Effect: 'Allow',
                Action: ['sqs:SendMessage'],
                Resource: [{ 'Fn::GetAtt': ['CollectorFailureQueue', 'Arn'] }],
              },
              ...statements,
            ],
          },
        },
      ],
    },
  });

  return {
    Resources: {
      // Each collector's (EstatsRole, SyntheticRole, ScrapeRole): the secrets its row says its
      // function reads (src/deploy/stage/collectors/), the sinks', remote write's workspace.
      ...Object.fromEntries(
        Object.entries(schedules.collectorSecrets).map(([kind, secrets]) => [
          `${kind[0].toUpperCase()}${kind.slice(1)}Role`,
          role(
            kind,
            inTheVpc([
              ...readSecrets([...named(secrets), ...sinkSecrets]),
              ...(remoteWrite ? [remoteWrite] : []),
              ...(ownResources[kind] ?? []),
            ]),
          ),
        ]),
      ),
      // It lists and deletes groups on the Pushgateway: in the VPC with the collectors.
      JanitorRole: role('janitor', inTheVpc(readSecrets(pushgatewaySecrets))),
      ExportAlertingRole: role('exportAlerting', writeAlerting),
    },
  };
};
