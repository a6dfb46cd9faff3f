import type { AkamaiClient } from '../../akamai/clients';
import { SHARED_ALERTING_DEFAULTS } from '../../alerting/config';
import type { AlertLinks } from '../../alerting/slackTemplate';
import type { FileProblems } from '../../config/fileProblems';
import { isExampleHost, isLocalOnly } from '../guards';
import type { StageConfig } from './config';

/**
 * What a deployed stage (any but `local`) may not hold outside its collectors' sections (each
 * row checks its own: checkDeployed): .edgerc clients, links to this machine or an example
 * domain, the made-up on-call URL. Each is a problem at its own place in the stage file.
 */
export interface DeployedStage {
  stage: string;
  clients: ReadonlyMap<string, AkamaiClient>;
  links: AlertLinks;
  alerting: StageConfig['alerting'] | undefined;
}

export function checkDeployedStage(stage: DeployedStage, problems: FileProblems): void {
  checkDeployedClients(stage, problems);
  checkDeployedLinks(stage, problems);
  checkDeployedOncall(stage, problems);
}

/** A deployed function has no .edgerc: its API clients read Secrets Manager. */
function checkDeployedClients({ clients, stage }: DeployedStage, problems: FileProblems): void {
  for (const client of clients.values())
    if (client.edgercSection !== undefined)
      problems.add(
        ['akamai', 'clients', client.name, 'edgercSection'],
        `API client ${client.name} reads an .edgerc section, which a deployed function does not have`,
        `give it "secret: <Secrets Manager secret name>" for stage "${stage}"`,
      );
}

/** Links a responder opens from Slack: never this machine's or an example domain. */
function checkDeployedLinks({ links, stage }: DeployedStage, problems: FileProblems): void {
  for (const [name, base] of Object.entries(links)) {
    if (base === undefined) continue;
    const host = new URL(base).hostname;
    if (isLocalOnly(host) || isExampleHost(host))
      problems.add(
        ['links', name],
        `links.${name} is ${base}, which no responder can open from a Slack message of stage "${stage}"`,
        `set links.${name} to the address your team opens ${name} at, or delete it (its links are then left out)`,
      );
  }
}

/** The on-call webhook must be a real one, or turned off: the default is made up. */
function checkDeployedOncall({ alerting, stage }: DeployedStage, problems: FileProblems): void {
  const oncall = alerting?.routing.oncall;
  if (!oncall) return;
  const { webhookUrl } = oncall;
  const shipped = SHARED_ALERTING_DEFAULTS.routing.oncall;
  const madeUp = shipped !== false && webhookUrl === shipped.webhookUrl;
  if (madeUp || isExampleHost(new URL(webhookUrl).hostname))
    problems.add(
      ['alerting', 'routing', 'oncall', 'webhookUrl'],
      `alerting.routing.oncall.webhookUrl is ${webhookUrl}${madeUp ? ', the made-up default' : ', an example domain'}: critical alerts of stage "${stage}" would page nobody`,
      'set alerting.routing.oncall.webhookUrl to your on-call bridge (PagerDuty, Opsgenie, …), or "oncall: false" to send critical alerts to Slack only',
    );
}
