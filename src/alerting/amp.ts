import type { AmpClient } from '@aws-sdk/client-amp';
import type { Deadline } from '../shared/deadline';
import { transportAgents } from '../shared/http';
import { ExportError } from './errors';
import { within } from './export';
import type { AmpExport } from './formats';

type AmpSdk = typeof import('@aws-sdk/client-amp');

const clients = new Map<string, AmpClient>();

function amp(region: string): { client: AmpClient; sdk: AmpSdk } {
  // Lazy: only a stage exporting to AMP loads the AMP SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-amp') as AmpSdk;
  let client = clients.get(region);
  if (!client) {
    // Our transport's agents: the same proxy settings as every other request (shared/http.ts).
    client = new sdk.AmpClient({ region, requestHandler: transportAgents() });
    clients.set(region, client);
  }
  return { client, sdk };
}

/** For tests: forget the clients (e.g. after changing the endpoint). */
export function resetAmpForTests(): void {
  clients.clear();
}

const AMP_SERVICE = {
  name: 'AMP',
  networkHint:
    'check the network path to aps.<region>.amazonaws.com (a VPC needs an aps interface endpoint or a NAT gateway)',
};

/** What was put in the workspace, by the names the log line and the result use. */
export interface AmpPutResult {
  written: string[];
  unchanged: string[];
}

/**
 * Put the rules as the workspace's rule groups namespace and the routes as its alert manager
 * definition, each created when missing and left alone when AMP already holds the same
 * data (the function runs daily and on every deploy, and AMP applies each put
 * asynchronously: an unchanged put would only queue work).
 */
export async function putToAmp(target: AmpExport, deadline: Deadline): Promise<AmpPutResult> {
  const { client, sdk } = amp(target.region);
  const workspaceId = target.workspaceId;
  const result: AmpPutResult = { written: [], unchanged: [] };
  const send = <T>(what: string, call: (signal: AbortSignal) => Promise<T>) =>
    within(deadline, what, call, AMP_SERVICE).catch((error: unknown) => {
      throw error instanceof ExportError ? error : ampError(what, target, error);
    });
  const options = (abortSignal: AbortSignal) => ({ abortSignal });

  /** Describe the resource; create it when missing, put it when its data differs. */
  const putWhenChanged = async (resource: {
    /** The name the result and the log line use. */
    name: string;
    /** How errors name it: "<verb> <label> <in|of> <workspace>". */
    label: string;
    writtenIn: 'in' | 'of';
    text: string;
    describe(signal: AbortSignal): Promise<Uint8Array | undefined>;
    create(data: Uint8Array, signal: AbortSignal): Promise<unknown>;
    put(data: Uint8Array, signal: AbortSignal): Promise<unknown>;
  }) => {
    const current = await send(`read ${resource.label} of ${workspaceId}`, (signal) =>
      resource.describe(signal),
    ).catch(orMissing);
    if (current !== MISSING && sameData(current, resource.text)) {
      result.unchanged.push(resource.name);
      return;
    }
    const data = new TextEncoder().encode(resource.text);
    const verb = current === MISSING ? 'create' : 'put';
    await send(`${verb} ${resource.label} ${resource.writtenIn} ${workspaceId}`, (signal) =>
      current === MISSING ? resource.create(data, signal) : resource.put(data, signal),
    );
    result.written.push(resource.name);
  };

  const name = target.namespace;
  await putWhenChanged({
    name: `rule-groups-namespace/${name}`,
    label: `the rule groups namespace ${name}`,
    writtenIn: 'in',
    text: target.rules,
    describe: async (signal) =>
      (
        await client.send(
          new sdk.DescribeRuleGroupsNamespaceCommand({ workspaceId, name }),
          options(signal),
        )
      ).ruleGroupsNamespace?.data,
    create: (data, signal) =>
      client.send(
        new sdk.CreateRuleGroupsNamespaceCommand({ workspaceId, name, data }),
        options(signal),
      ),
    put: (data, signal) =>
      client.send(
        new sdk.PutRuleGroupsNamespaceCommand({ workspaceId, name, data }),
        options(signal),
      ),
  });
  await putWhenChanged({
    name: 'alert-manager-definition',
    label: 'the alert manager definition',
    writtenIn: 'of',
    text: target.alertManagerDefinition,
    describe: async (signal) =>
      (
        await client.send(
          new sdk.DescribeAlertManagerDefinitionCommand({ workspaceId }),
          options(signal),
        )
      ).alertManagerDefinition?.data,
    create: (data, signal) =>
      client.send(
        new sdk.CreateAlertManagerDefinitionCommand({ workspaceId, data }),
        options(signal),
      ),
    put: (data, signal) =>
      client.send(new sdk.PutAlertManagerDefinitionCommand({ workspaceId, data }), options(signal)),
  });
  return result;
}

const MISSING = Symbol('missing');

/** A Describe's ResourceNotFoundException: nothing there yet, so create it. */
function orMissing(error: unknown): typeof MISSING {
  const cause = error instanceof ExportError ? error.cause : error;
  if ((cause as { name?: string } | undefined)?.name === 'ResourceNotFoundException')
    return MISSING;
  throw error;
}

function sameData(data: Uint8Array | undefined, text: string): boolean {
  return data !== undefined && new TextDecoder().decode(data) === text;
}

function ampError(what: string, target: AmpExport, error: unknown): ExportError {
  const name = (error as { name?: string }).name ?? 'Error';
  const hints: Record<string, string> = {
    AccessDeniedException:
      'the role of the export function (ExportAlertingRole, infra/serverless/roles.js) needs the aps permissions on this workspace: check alerting.export.amp.workspaceId and the region',
    ResourceNotFoundException: `no workspace ${target.workspaceId} in ${target.region}: check alerting.export.amp.workspaceId and region`,
    ValidationException:
      'AMP refused the data: run "npm run alerting:export -- --stage <stage> --out DIR" and check DIR/amp/ with promtool and amtool',
    ConflictException:
      'AMP is still applying an earlier change (status CREATING or UPDATING): the export puts it again at the next deploy or daily run',
    ThrottlingException: 'AMP throttled the request: the export puts it again at the next run',
  };
  return new ExportError(`cannot ${what}: ${name}: ${(error as Error).message}`, {
    cause: error,
    hint:
      hints[name] ??
      `check alerting.export.amp (workspace ${target.workspaceId}, region ${target.region})`,
  });
}
