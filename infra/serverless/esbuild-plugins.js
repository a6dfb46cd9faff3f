// esbuild plugins of `serverless package` / `deploy` (custom.esbuild.plugins in serverless.yml).
//
// The exportAlerting function ships the alerting files rendered at build time
// (src/alerting/rendered.gen.ts). The committed copy is the `local` stage's; a stage with its
// own SLOs and schedules (config/<stage>.yml, or the stageConfig param), or its own sinks
// (the sinks setting: staleness is read differently without a Pushgateway), needs its own rules. This plugin
// renders that stage's files while bundling and hands them to the bundle in place of the
// committed module, validated exactly as `npm run alerting:export` validates them.
const { join, resolve } = require('node:path');

const ROOT = join(__dirname, '..', '..');

/** @param {{ stage: string, stageConfig?: string, sinks?: string, params?: Record<string, string> }} target */
function stageAlertingPlugin(target) {
  return {
    name: 'stage-alerting-files',
    setup(build) {
      build.onResolve({ filter: /[\\/]rendered\.gen$/ }, (args) => ({
        path: resolve(args.resolveDir, `${args.path}.ts`),
        namespace: 'stage-alerting',
      }));
      build.onLoad({ filter: /.*/, namespace: 'stage-alerting' }, () => {
        const { require: tsxRequire } = require('tsx/cjs/api');
        const { renderedModule, stageAlertingFiles } = tsxRequire(
          '../../src/deploy/alertingFiles.ts',
          __filename,
        );
        const { parseSinkNames } = tsxRequire('../../src/sinks/names.ts', __filename);
        const file = target.stageConfig
          ? resolve(target.stageConfig)
          : join(ROOT, 'config', `${target.stage}.yml`);
        try {
          const rendered = stageAlertingFiles(file, target.stage, {
            params: target.params ?? {},
            runbooksDir: join(ROOT, 'docs', 'runbooks'),
            sinks: parseSinkNames(target.sinks, 'param sinks'),
          });
          return { contents: renderedModule(rendered), loader: 'ts' };
        } catch (error) {
          const text = error.hint ? `${error.message}. ${error.hint}` : error.message;
          return { errors: [{ text: `alerting files of stage "${target.stage}": ${text}` }] };
        }
      });
    },
  };
}

/** serverless-esbuild calls this with the serverless instance (variables resolved). */
module.exports = (serverless) => {
  const { stage, stageConfig, sinks, params } = serverless.service.custom.alertingFiles;
  return [stageAlertingPlugin({ stage, sinks, params, ...(stageConfig ? { stageConfig } : {}) })];
};
module.exports.stageAlertingPlugin = stageAlertingPlugin;
