// Least-privilege statements: read exactly the secrets configured, write the alerting export
// prefix, remote-write to the one AMP workspace configured, nothing else. (The
// framework itself adds logs:* on the function's own log groups and sqs:SendMessage on the
// on-failure queue.) Secrets Manager ARNs end in a random 6-character suffix: `-??????`.
// The Akamai secrets are those the stage's eStats schedules name (their API clients), and the
// akamaiSecretName param only while a schedule uses the client of the function's environment.
module.exports = async ({ resolveVariable }) => {
  const schedules = await require('./schedules.js')({ resolveVariable });
  const secrets = [
    ...(schedules.usesDefaultClient ? [await resolveVariable('param:akamaiSecretName')] : []),
    ...schedules.estatsSecrets,
    await resolveVariable('param:pushgatewayAuthSecretName'),
    await resolveVariable('param:remoteWriteAuthSecretName'),
  ].filter((name) => typeof name === 'string' && name !== '');
  const prefix = await resolveVariable('param:alertingPrefix');
  const statements = [
    // The alerting export writes its files and reads their metadata (content hash) under its
    // prefix only; ListBucket, limited to the prefix, turns a missing object into a 404.
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
  // Remote write to Amazon Managed Service for Prometheus: that workspace only.
  if (await resolveVariable('param:remoteWriteSigv4Region')) {
    const workspace = await resolveVariable('param:ampWorkspaceArn');
    if (!workspace)
      throw new Error(
        'remoteWriteSigv4Region is set but ampWorkspaceArn is not: the functions need the workspace they may write to (--param="ampWorkspaceArn=arn:aws:aps:<region>:<account>:workspace/ws-…")',
      );
    statements.push({ Effect: 'Allow', Action: ['aps:RemoteWrite'], Resource: workspace });
  }
  if (secrets.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: secrets.map((name) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`,
      })),
    });
  }
  return statements;
};
