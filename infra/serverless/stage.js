// The stage, resolved once (custom.stage in serverless.yml): its file, config/<stage>.yml (or
// the file of `--param=stageConfig=…`), with the command line's other `--param`s over its
// `functions:` settings. Validated here, at package time, with the schemas and readers the
// functions use (src/deploy/stage/, loaded through tsx): every problem of the file is reported
// at once, each at its line, and so is a misspelt `--param`. Budgets (Akamai, Lambda timeouts)
// and EventBridge's limits are checked too.
//
// Gives serverless.yml: the schedule events, each collector's maximumEventAge, the secrets each
// collector's function reads, the AMP workspace the alerting export writes to, the
// settings, and the functions' environments.
const { join, resolve } = require('node:path');
const { clearError } = require('./clearError');

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const region = await resolveVariable('self:provider.region');
  const service = await resolveVariable('self:service');
  const cli = (await resolveVariable('opt:param, null')) ?? [];
  const { require: tsxRequire } = require('tsx/cjs/api');
  const stageModule = tsxRequire('../../src/deploy/stage/index.ts', __filename);
  const settingsModule = tsxRequire('../../src/deploy/stageSettings.ts', __filename);
  const costModule = tsxRequire('../../src/deploy/cost/index.ts', __filename);
  try {
    const params = settingsModule.commandLineParams(cli);
    const file = params.stageConfig
      ? resolve(params.stageConfig)
      : join(__dirname, '..', '..', 'config', `${stage}.yml`);
    const config = stageModule.loadStageConfig(file, stage, { params, env: process.env });
    const { settings } = config;
    const margin = Number(settings.deadlineSafetyMarginMs);
    const warnings = config.warnings.map((warning) => `Warning: ${warning}\n`).join('');
    // serverless.yml resolves this file once (custom.stage): printed once.
    process.stderr.write(
      warnings +
        stageModule.packagingBudgets(config, margin) +
        costModule.stageCostEstimate(config, region),
    );
    const events = stageModule.scheduleEvents(
      config,
      (fn, name) => `${service}-${stage}-${fn}-${name}`,
    );
    return {
      file,
      // The command line's --params, for the alerting files bundled at package time.
      params,
      settings,
      // Numbers where serverless.yml needs them (checked whole and in Lambda's range).
      lambda: settingsModule.lambdaNumbersOf(settings),
      // What serverless remove does with the export bucket (alertingExportOnRemove).
      exportBucket: exportBucketOnRemove(settings.alertingExportOnRemove),
      ...events,
      environment: environmentOf(stageModule, settingsModule, settings, stage),
      eventAge: stageModule.maximumEventAges(config),
      // The secrets each collector's function reads, by kind (its role's grant, roles.js).
      collectorSecrets: stageModule.collectorSecrets(config),
      // The AMP workspace the exportAlerting function puts the rules in (its role, roles.js).
      ampExport: stageModule.ampExportTarget(config) ?? null,
    };
  } catch (error) {
    throw clearError(error);
  }
};

/**
 * The functions' environments (src/config/settings.ts says which setting becomes which
 * variable, and for which function), and Lambda's logging config at the log level.
 */
function environmentOf(stageModule, settingsModule, settings, stage) {
  const environments = stageModule.stageFunctionEnvironments(settings, stage);
  const logging = settingsModule.lambdaLoggingOf(environments.provider);
  // serverless invoke local: the alerting export writes to a local folder instead of S3, and
  // the traffic state is a local folder too.
  const local = stage === 'local';
  const exportAlerting = local
    ? { ALERTING_OUT_DIR: join(process.cwd(), '.tmp', 'alerting-export') }
    : { ...environments.exportAlerting, ALERTING_BUCKET: { Ref: 'AlertingExportBucket' } };
  const traffic = local
    ? { ...environments.traffic, TRAFFIC_STATE_DIR: join(process.cwd(), '.tmp', 'traffic-state') }
    : { ...environments.traffic, TRAFFIC_STATE_BUCKET: { Ref: 'TrafficStateBucket' } };
  return { ...environments, logging, exportAlerting, traffic };
}

/**
 * `keep`: the bucket and its policy are retained (the stack deletes without them); `delete`:
 * the custom resource empties the bucket on Delete, so that CloudFormation can delete it.
 */
function exportBucketOnRemove(choice) {
  const emptyOnDelete = choice === 'delete';
  return { emptyOnDelete, deletionPolicy: emptyOnDelete ? 'Delete' : 'Retain' };
}
