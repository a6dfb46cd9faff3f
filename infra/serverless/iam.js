// Least-privilege statements: read exactly the secrets configured, nothing else. (The
// framework itself adds logs:* on the function's own log groups and sqs:SendMessage on the
// on-failure queue.) Secrets Manager ARNs end in a random 6-character suffix: `-??????`.
module.exports = async ({ resolveVariable }) => {
  const secrets = [
    await resolveVariable('param:akamaiSecretName'),
    await resolveVariable('param:pushgatewayAuthSecretName'),
  ].filter((name) => typeof name === 'string' && name !== '');
  if (secrets.length === 0) return [];
  return [
    {
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: secrets.map((name) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`,
      })),
    },
  ];
};
