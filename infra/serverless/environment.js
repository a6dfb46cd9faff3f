// Environment variables that depend on the stage. On the `local` stage (serverless invoke
// local) no secret ids are set: credentials come from .edgerc / env, no AWS account needed.
// (A stage param set to '' falls back to the default param, hence this file.)
// The functions' own settings come from params too (src/deploy/functionSettings.ts), and the
// environment they make is read with the functions' readers here, so a bad value stops packaging.
const { require: tsxRequire } = require('tsx/cjs/api');
const { clearError } = require('./clearError');

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const settings = tsxRequire('../../src/deploy/functionSettings.ts', __filename);
  const params = {};
  for (const param of Object.keys(settings.FUNCTION_SETTING_PARAMS))
    params[param] = await resolveVariable(`param:${param}`);
  const provider = {
    NODE_OPTIONS: '--enable-source-maps',
    SINKS: await resolveVariable('param:sinks'),
    PUSHGATEWAY_URL: await resolveVariable('param:pushgatewayUrl'),
    ...settings.functionSettingsOf(params),
  };
  const sinkSettings = {
    REMOTE_WRITE_URL: await resolveVariable('param:remoteWriteUrl'),
    REMOTE_WRITE_TENANT: await resolveVariable('param:remoteWriteTenant'),
    REMOTE_WRITE_SIGV4_REGION: await resolveVariable('param:remoteWriteSigv4Region'),
    GRAPHITE_HOST: await resolveVariable('param:graphiteHost'),
  };
  for (const [name, value] of Object.entries(sinkSettings)) if (value) provider[name] = value;
  try {
    settings.checkFunctionEnvironment(
      { ...provider, AKAMAI_SECRET_ID: stage === 'local' ? undefined : 'packaged' },
      stage,
    );
  } catch (error) {
    throw clearError(error);
  }
  // provider.logs.lambda: Lambda's JSON log format at the logLevel param's level.
  const logging = settings.lambdaLoggingOf(provider);
  if (stage === 'local') {
    // serverless invoke local: write the files to a local folder instead of S3.
    const outDir = require('node:path').join(process.cwd(), '.tmp', 'alerting-export');
    return {
      provider,
      logging,
      estats: {},
      synthetic: {},
      exportAlerting: { ALERTING_OUT_DIR: outDir },
    };
  }
  const pushgatewayAuthSecret = await resolveVariable('param:pushgatewayAuthSecretName');
  if (pushgatewayAuthSecret) provider.PUSHGATEWAY_AUTH_SECRET_ID = pushgatewayAuthSecret;
  const remoteWriteAuthSecret = await resolveVariable('param:remoteWriteAuthSecretName');
  if (remoteWriteAuthSecret) provider.REMOTE_WRITE_AUTH_SECRET_ID = remoteWriteAuthSecret;
  // Named in the hints of a secret that cannot be decrypted (src/aws/secrets.ts).
  const kmsKey = await resolveVariable('param:secretsKmsKeyArn');
  if (kmsKey) provider.SECRETS_KMS_KEY_ARN = kmsKey;
  return {
    provider,
    logging,
    estats: { AKAMAI_SECRET_ID: await resolveVariable('param:akamaiSecretName') },
    synthetic: {},
    exportAlerting: {
      ALERTING_BUCKET: { Ref: 'AlertingExportBucket' },
      ALERTING_PREFIX: await resolveVariable('param:alertingPrefix'),
    },
  };
};
