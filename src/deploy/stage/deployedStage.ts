import type { AkamaiClient } from '../../akamai/clients';
import { describeTarget, type EstatsSchedule } from '../../akamai/targets';
import { DEFAULT_ALERTING_CONFIG } from '../../alerting/config';
import type { AlertLinks } from '../../alerting/slackTemplate';
import type { FileProblems } from '../../config/fileProblems';
import { isExampleHost, isLocalOnly } from '../guards';
import { EXAMPLE_DISCOVER_MATCH, type StageConfig } from './config';
import type { Indexed } from './collectors/types';

/**
 * What a deployed stage (any but `local`) may not hold: loopback and example addresses, the
 * shipped example targets, .edgerc clients, unchecked certificates, the made-up on-call URL.
 * Each is a problem at its own place in the stage file.
 */
export interface DeployedStage {
  stage: string;
  clients: ReadonlyMap<string, AkamaiClient>;
  estats: ReadonlyArray<Indexed<StageConfig['estats'][number]>>;
  scrape: ReadonlyArray<Indexed<StageConfig['scrape'][number]>>;
  links: AlertLinks;
  alerting: StageConfig['alerting'] | undefined;
}

export function checkDeployedStage(stage: DeployedStage, problems: FileProblems): void {
  checkDeployedClients(stage, problems);
  checkExampleTargets(stage, problems);
  checkDeployedLinks(stage, problems);
  checkDeployedOncall(stage, problems);
  checkDeployedScrapeTargets(stage, problems);
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

/** CP code 424242 and the domains reserved for examples (RFC 2606) are the shipped examples. */
function isExampleTarget(target: EstatsSchedule['targets'][number]): boolean {
  if ('cpCode' in target) return target.cpCode === 424242;
  return isExampleHost(new URL(target.url).hostname);
}

/**
 * The shipped examples (CP code 424242, URLs on example domains, the simulator's discovery
 * filter) would call Akamai for someone else's property on a deployed stage.
 */
function checkExampleTargets({ estats, stage }: DeployedStage, problems: FileProblems): void {
  for (const { index, entry } of estats) {
    const { input } = entry;
    const first = input.targets.findIndex(isExampleTarget);
    if (first >= 0)
      problems.add(
        ['estats', index, 'input', 'targets', first],
        `still lists example targets (${input.targets.filter(isExampleTarget).map(describeTarget).join(', ')}): stage "${stage}" would call Akamai for someone else's property`,
        'list your own CP codes and URLs',
      );
    if (input.discover?.match === EXAMPLE_DISCOVER_MATCH)
      problems.add(
        ['estats', index, 'input', 'discover', 'match'],
        `schedule ${input.name} still discovers the example CP codes (match: "${EXAMPLE_DISCOVER_MATCH}"): stage "${stage}" would ask Akamai for CP codes it does not have`,
        'give discover your own filters (contract, product, name, match), or remove it',
      );
  }
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
  const shipped = DEFAULT_ALERTING_CONFIG.routing.oncall;
  const madeUp = shipped !== false && webhookUrl === shipped.webhookUrl;
  if (madeUp || isExampleHost(new URL(webhookUrl).hostname))
    problems.add(
      ['alerting', 'routing', 'oncall', 'webhookUrl'],
      `alerting.routing.oncall.webhookUrl is ${webhookUrl}${madeUp ? ', the made-up default' : ', an example domain'}: critical alerts of stage "${stage}" would page nobody`,
      'set alerting.routing.oncall.webhookUrl to your on-call bridge (PagerDuty, Opsgenie, …), or "oncall: false" to send critical alerts to Slack only',
    );
}

/**
 * A deployed stage fetches real endpoints: not this machine (a Lambda's loopback has no
 * exporter), not an example domain, and never without checking certificates.
 */
function checkDeployedScrapeTargets(
  { scrape, stage }: DeployedStage,
  problems: FileProblems,
): void {
  for (const { index, entry } of scrape)
    for (const [t, target] of entry.input.targets.entries()) {
      const at = ['scrape', index, 'input', 'targets', t];
      const host = new URL(target.url).hostname;
      if (isLocalOnly(host) || isExampleHost(host))
        problems.add(
          [...at, 'url'],
          `${target.url} (schedule ${entry.input.name}) is ${isLocalOnly(host) ? 'this machine' : 'an example domain'}, which a function of stage "${stage}" cannot fetch`,
          "list the address of your exporter or device as the function's network reaches it",
        );
      if (target.tls?.insecureSkipVerify)
        problems.add(
          [...at, 'tls', 'insecureSkipVerify'],
          `would accept any certificate of ${target.url} (schedule ${entry.input.name}) on stage "${stage}"`,
          'store the device\'s CA as {"ca": PEM} in a secret and name it as tls.secret; set tls.serverName when the certificate names another host',
        );
    }
}
