import type { EstatsSchedule } from '../../akamai/targets';
import type { AlertingConfig } from '../../alerting/config';
import type { AlertLinks } from '../../alerting/slackTemplate';
import type { Slo } from '../../alerting/slo';
import type { JanitorPolicy } from '../../janitor/policy';
import type { ScrapeSchedule } from '../../scrape/schedule';
import type { StageSettings } from '../stageSettings';

export interface StageConfig {
  /** The stage's name: its eStats schedules mark their groups with it. */
  stage: string;
  /** The file it came from, for messages. */
  file: string;
  /** Every setting: a `--param` over the file's `functions:` over the default. */
  settings: StageSettings;
  /** Each schedule's input carries its API clients (none: the function's environment's). */
  estats: Array<{ rate: string; enabled: boolean; input: EstatsSchedule }>;
  /** What one eStats answer is assumed to take, for the packaging budget check. */
  answerSeconds: number;
  synthetic: Array<{ rate: string; enabled: boolean; fleet: Record<string, unknown> }>;
  /** Each scrape schedule's input, its interval set. */
  scrape: Array<{ rate: string; enabled: boolean; input: ScrapeSchedule }>;
  /** SLOs of eStats targets: recording rules and burn-rate alerts (npm run alerting:export). */
  slos: Slo[];
  /** Base URLs of Grafana, Prometheus and Alertmanager, for the links in Slack messages. */
  links: AlertLinks;
  /** The janitor's schedule, and its input: TTLs per job and the schedules it must keep. */
  janitor: { rate: string; enabled: boolean; policy: JanitorPolicy };
  /** The stage's alerting: defaults, its `alerting:` section, its schedules' intervals. */
  alerting: AlertingConfig;
  /** What packaging prints but accepts (secret-looking query parameters of URL targets). */
  warnings: string[];
}

/** The stage whose file may keep the example targets: `npm start` and `invoke local`. */
export const EXAMPLE_STAGE = 'local';

/** The shipped example's run-time discovery (config/local.yml): the simulator's CP codes. */
export const EXAMPLE_DISCOVER_MATCH = '^example-';
