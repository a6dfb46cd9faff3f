import type { AkamaiClient } from '../../akamai/clients';
import { describeTarget, type EstatsSchedule } from '../../akamai/targets';
import { DEFAULT_ALERTING_CONFIG } from '../../alerting/config';
import { ConfigurationError } from '../../shared/errors';
import { isExampleHost, isLocalOnly } from '../guards';
import { EXAMPLE_DISCOVER_MATCH, type StageConfig } from './config';

/**
 * A deployed stage fetches real endpoints: not this machine (a Lambda's loopback has no
 * exporter), not an example domain, and never without checking certificates.
 */
export function checkDeployedScrapeTargets(config: StageConfig, shown: string): void {
  for (const [i, { input }] of config.scrape.entries())
    for (const [t, target] of input.targets.entries()) {
      const where = `${shown}: scrape[${i}] (${input.name}) targets[${t}]`;
      const host = new URL(target.url).hostname;
      if (isLocalOnly(host) || isExampleHost(host))
        throw new ConfigurationError(
          `${where}: ${target.url} is ${isLocalOnly(host) ? 'this machine' : 'an example domain'}, which a function of stage "${config.stage}" cannot fetch`,
          {
            hint: "list the address of your exporter or device as the function's network reaches it",
          },
        );
      if (target.tls?.insecureSkipVerify)
        throw new ConfigurationError(
          `${where}: tls.insecureSkipVerify would accept any certificate on stage "${config.stage}"`,
          {
            hint: 'store the device\'s CA as {"ca": PEM} in a secret and name it as tls.secret; set tls.serverName when the certificate names another host',
          },
        );
    }
}

/** Links a responder opens from Slack: never this machine's or an example domain. */
export function checkDeployedLinks(config: StageConfig, shown: string): void {
  for (const [name, base] of Object.entries(config.links)) {
    if (base === undefined) continue;
    const host = new URL(base).hostname;
    if (isLocalOnly(host) || isExampleHost(host))
      throw new ConfigurationError(
        `${shown}: links.${name} is ${base}, which no responder can open from a Slack message of stage "${config.stage}"`,
        {
          hint: `set links.${name} to the address your team opens ${name} at, or delete it (its links are then left out)`,
        },
      );
  }
}

/** The on-call webhook must be a real one, or turned off: the default is made up. */
export function checkDeployedOncall(config: StageConfig, shown: string): void {
  const webhookUrl = config.alerting.routing.oncall?.webhookUrl;
  if (webhookUrl === undefined) return;
  const madeUp = webhookUrl === DEFAULT_ALERTING_CONFIG.routing.oncall?.webhookUrl;
  if (madeUp || isExampleHost(new URL(webhookUrl).hostname))
    throw new ConfigurationError(
      `${shown}: alerting.routing.oncall.webhookUrl is ${webhookUrl}${madeUp ? ', the made-up default' : ', an example domain'}: critical alerts of stage "${config.stage}" would page nobody`,
      {
        hint: 'set alerting.routing.oncall.webhookUrl to your on-call bridge (PagerDuty, Opsgenie, …), or "oncall: false" to send critical alerts to Slack only',
      },
    );
}

/** CP code 424242 and the domains reserved for examples (RFC 2606) are the shipped examples. */
function isExampleTarget(target: EstatsSchedule['targets'][number]): boolean {
  if ('cpCode' in target) return target.cpCode === 424242;
  return isExampleHost(new URL(target.url).hostname);
}

/** A deployed function has no .edgerc: its API clients read Secrets Manager. */
export function checkDeployedClients(
  clients: ReadonlyMap<string, AkamaiClient>,
  shown: string,
  stage: string,
): void {
  const local = [...clients.values()].filter((client) => client.edgercSection !== undefined);
  if (local.length > 0)
    throw new ConfigurationError(
      `${shown}: API client ${local.map((c) => c.name).join(', ')} reads an .edgerc section, which a deployed function does not have`,
      { hint: 'give it "secret: <Secrets Manager secret name>" for stage "' + stage + '"' },
    );
}

/**
 * The shipped examples (CP code 424242, URLs on example domains, the simulator's discovery
 * filter) would call Akamai for someone else's property on a deployed stage.
 */
export function checkExampleTargets(config: StageConfig, shown: string): void {
  const stage = config.stage;
  const examples = config.estats.flatMap((s) => s.input.targets.filter(isExampleTarget));
  if (examples.length > 0) {
    throw new ConfigurationError(
      `${shown} still lists example targets (${examples.map(describeTarget).join(', ')}): stage "${stage}" would call Akamai for someone else's property`,
      { hint: `edit ${shown}: list your own CP codes and URLs` },
    );
  }
  const exampleDiscovery = config.estats.find(
    (s) => s.input.discover?.match === EXAMPLE_DISCOVER_MATCH,
  );
  if (exampleDiscovery)
    throw new ConfigurationError(
      `${shown}: schedule ${exampleDiscovery.input.name} still discovers the example CP codes (match: "${EXAMPLE_DISCOVER_MATCH}"): stage "${stage}" would ask Akamai for CP codes it does not have`,
      {
        hint: `edit ${shown}: give discover your own filters (contract, product, name, match), or remove it`,
      },
    );
}
