// The schedule events of the collectors, from the stage's own file: config/<stage>.yml, or the
// file of the `stageConfig` param. Validated here, at package time, with the schemas the
// functions use (src/deploy/stage.ts, loaded through tsx), so a bad target or a stage still
// holding the example targets stops `serverless package` / `deploy` with the field named.
const { join, resolve } = require('node:path');

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const service = await resolveVariable('self:service');
  const given = await resolveVariable('param:stageConfig');
  const file = given ? resolve(given) : join(__dirname, '..', '..', 'config', `${stage}.yml`);
  const { require: tsxRequire } = require('tsx/cjs/api');
  const { loadStageConfig, scheduleEvents } = tsxRequire('../../src/deploy/stage.ts', __filename);
  try {
    return scheduleEvents(
      loadStageConfig(file, stage),
      (fn, name) => `${service}-${stage}-${fn}-${name}`,
    );
  } catch (error) {
    // serverless prints the error's stack: make it the message and the hint, nothing else.
    const clear = new Error(error.hint ? `${error.message}. ${error.hint}` : error.message);
    clear.stack = `\n  ${clear.message}\n`;
    throw clear;
  }
};
