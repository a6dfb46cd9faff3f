import type { AlertLinks } from '../../alerting/slackTemplate';
import type { Slo } from '../../alerting/slo';
import type { StageAlertingConfig } from './alerting';
import type { JanitorPolicy } from '../../janitor/policy';
import type { StageSchedulesByKind } from './collectors/types';
import type { StageSettings } from '../stageSettings';

/** A stage: its settings, its collectors' schedules (collectors/types.ts) and the rest. */
export interface StageConfig extends StageSchedulesByKind {
  /** The stage's name: its eStats schedules mark their groups with it. */
  stage: string;
  /** The file it came from, for messages. */
  file: string;
  /** Every setting: a `--param` over the file's `functions:` over the default. */
  settings: StageSettings;
  /** What one eStats answer is assumed to take, for the packaging budget check. */
  answerSeconds: number;
  /** SLOs of eStats targets: recording rules and burn-rate alerts (npm run alerting:export). */
  slos: Slo[];
  /** Base URLs of Grafana, Prometheus and Alertmanager, for the links in Slack messages. */
  links: AlertLinks;
  /** The janitor's schedule, and its input: TTLs per job and the schedules it must keep. */
  janitor: { rate: string; enabled: boolean; policy: JanitorPolicy };
  /** The stage's alerting: defaults, its `alerting:` section, its schedules' intervals. */
  alerting: StageAlertingConfig;
  /** What packaging prints but accepts (secret-looking query parameters of URL targets). */
  warnings: string[];
}

/** The stage whose file may keep the example targets: `npm start` and `invoke local`. */
export const EXAMPLE_STAGE = 'local';
