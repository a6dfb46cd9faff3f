import type { RuleGroup } from '../../src/alerting/types';
import { enabledScheduleNames, loadStageConfig } from '../../src/deploy/stage';
import { shippedRules } from '../../src/deploy/stage/alerting';

/**
 * Every rule group any stage may have, as the example stage (config/local.yml, its SLOs
 * included) renders them, in each staleness form: a stage on the Pushgateway has the first,
 * one that writes by remote write the second (alerting/scope.ts). The alerts and metrics
 * reference pages are generated from them.
 */
export function exampleRuleGroups(root: string): {
  runbookBaseUrl: string;
  forms: Array<{ when: string; groups: RuleGroup[] }>;
} {
  const config = loadStageConfig(`${root}/config/local.yml`, 'local');
  const schedules = enabledScheduleNames(config);
  const formOf = (when: string, sinks: ['pushgateway'] | ['remote-write']) => ({
    when,
    groups: shippedRules(config.alerting, config.slos, { sinks, schedules }).groups,
  });
  return {
    runbookBaseUrl: config.alerting.runbookBaseUrl,
    forms: [
      formOf('every stage', ['pushgateway']),
      formOf('a stage that writes by remote write', ['remote-write']),
    ],
  };
}
