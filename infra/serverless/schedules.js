// The schedule events of the collectors, from the stage's own file: config/<stage>.yml, or the
// file of the `stageConfig` param. Validated here, at package time, with the schemas the
// functions use (src/deploy/stage/, loaded through tsx), so a bad target, a stage still
// holding the example targets, a stage that cannot fit its Akamai budget, Lambda timeout or
// EventBridge's limits stops `serverless package` / `deploy` with the schedule named. On any
// stage but `local`, the sink params must name real destinations (src/deploy/guards.ts).
// Also gives each collector's maximumEventAge, the secrets the eStats and scrape functions read, and the
// AMP workspace the alerting export writes to.
const { join, resolve } = require('node:path');
const { clearError } = require('./clearError');

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const service = await resolveVariable('self:service');
  const given = await resolveVariable('param:stageConfig');
  const givenTimeout = await resolveVariable('param:estatsTimeout');
  const givenScrapeTimeout = await resolveVariable('param:scrapeTimeout');
  // Number('') is 0 and Number('3min') NaN: the messages below quote what was given.
  const timeout = Number(givenTimeout);
  const scrapeTimeout = Number(givenScrapeTimeout);
  // Empty: the functions' default (checked as a number by environment.js).
  const margin = (await resolveVariable('param:deadlineSafetyMarginMs')) || undefined;
  const file = given ? resolve(given) : join(__dirname, '..', '..', 'config', `${stage}.yml`);
  const { require: tsxRequire } = require('tsx/cjs/api');
  const stageModule = tsxRequire('../../src/deploy/stage/index.ts', __filename);
  const guards = tsxRequire('../../src/deploy/guards.ts', __filename);
  const destinations = {
    sinks: await resolveVariable('param:sinks'),
    pushgatewayUrl: await resolveVariable('param:pushgatewayUrl'),
    remoteWriteUrl: await resolveVariable('param:remoteWriteUrl'),
    graphiteHost: await resolveVariable('param:graphiteHost'),
  };
  try {
    if (stage !== stageModule.EXAMPLE_STAGE) guards.checkDestinations(stage, destinations);
    if (!Number.isInteger(timeout) || timeout < 10 || timeout > 900)
      throw new Error(
        `the estatsTimeout param must be whole seconds between 10 and 900 (Lambda's limit), got "${givenTimeout}"`,
      );
    if (!Number.isInteger(scrapeTimeout) || scrapeTimeout < 10 || scrapeTimeout > 900)
      throw new Error(
        `the scrapeTimeout param must be whole seconds between 10 and 900 (Lambda's limit), got "${givenScrapeTimeout}"`,
      );
    const config = stageModule.loadStageConfig(file, stage);
    const warnings = config.warnings.map((warning) => `Warning: ${warning}\n`).join('');
    // serverless.yml resolves this file once (custom.stageSchedules): printed once.
    process.stderr.write(
      warnings +
        stageModule.checkedEstatsBudget(config, timeout, margin && Number(margin)) +
        stageModule.checkedScrapeBudget(config, scrapeTimeout, margin && Number(margin)),
    );
    const events = stageModule.scheduleEvents(
      config,
      (fn, name) => `${service}-${stage}-${fn}-${name}`,
    );
    return {
      ...events,
      eventAge: stageModule.maximumEventAges(config),
      estatsSecrets: stageModule.estatsClientSecrets(config),
      scrapeSecrets: stageModule.scrapeTargetSecrets(config),
      usesDefaultClient: stageModule.usesDefaultClient(config),
      // The AMP workspace the exportAlerting function puts the rules in (its role, roles.js).
      ampExport: stageModule.ampExportTarget(config) ?? null,
    };
  } catch (error) {
    throw clearError(error);
  }
};
