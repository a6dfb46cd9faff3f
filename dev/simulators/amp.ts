import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { AMTOOL, binaryPath, PROMTOOL } from '../debianBinaries';
import { STANDIN_AWS } from './secretsManager';
import { verifySigV4 } from './sigv4';

/**
 * A local stand-in for the rule and alert manager APIs of Amazon Managed Service for
 * Prometheus (restJson1, service `aps`), for the AWS SDK's AmpClient (pointed here with
 * AWS_ENDPOINT_URL_AMP). Like the service it checks the SigV4 signature, the paths, methods
 * and body shapes, and validates what it is given: a rule groups namespace's data with
 * promtool, an alert manager definition's with AMP's own rules (only `template_files` and
 * `alertmanager_config`; SNS receivers only, each with `sigv4.region`; no `api_url` or
 * `http_config`) and then amtool. It answers in the service's format, errors included.
 */
export interface AmpStandin {
  endpoint: string;
  /** The workspaces it knows; others answer ResourceNotFoundException. */
  workspaces: Set<string>;
  /** workspace/name → the namespace's data, as put. */
  namespaces: Map<string, string>;
  /** workspace → the alert manager definition's data, as put. */
  definitions: Map<string, string>;
  calls: Array<{ operation: string; status: number; accessKeyId: string }>;
  /** Answer the next call with this error instead (e.g. AccessDeniedException, 403). */
  failNext(type: string, status: number, message: string): void;
  stop(): Promise<void>;
}

type Answer = { status: number; body: unknown; type?: string };

const NAMESPACE_PATH = /^\/workspaces\/([^/]+)\/rulegroupsnamespaces(?:\/([^/]+))?$/;
const DEFINITION_PATH = /^\/workspaces\/([^/]+)\/alertmanager\/definition$/;

export async function startAmpStandin(workspaceIds: readonly string[]): Promise<AmpStandin> {
  const workspaces = new Set(workspaceIds);
  const namespaces = new Map<string, string>();
  const definitions = new Map<string, string>();
  const calls: AmpStandin['calls'] = [];
  const keys = new Map([[STANDIN_AWS.accessKeyId, STANDIN_AWS.secretAccessKey]]);
  let scripted: { type: string; status: number; message: string } | undefined;

  const arnOf = (workspace: string, name: string) =>
    `arn:aws:aps:${STANDIN_AWS.region}:123456789012:rulegroupsnamespace/${workspace}/${name}`;

  const route = (req: IncomingMessage, input: Record<string, unknown>): [string, Answer] => {
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    const method = req.method ?? 'GET';
    const namespaceMatch = NAMESPACE_PATH.exec(path);
    const definitionMatch = DEFINITION_PATH.exec(path);
    const workspace = decodeURIComponent(namespaceMatch?.[1] ?? definitionMatch?.[1] ?? '');
    if (!namespaceMatch && !definitionMatch)
      return [
        'Unknown',
        error(404, 'UnknownOperationException', `no operation at ${method} ${path}`),
      ];
    if (!workspaces.has(workspace))
      return [
        'Workspace',
        error(404, 'ResourceNotFoundException', `Workspace ${workspace} not found`),
      ];

    if (namespaceMatch) {
      const named = namespaceMatch[2] ? decodeURIComponent(namespaceMatch[2]) : undefined;
      /** Create or Put: validate the data as AMP does, then store it. */
      const store = (operation: string, name: string, statusCode: string): [string, Answer] => {
        const data = decodeData(input.data);
        const invalid = data === undefined ? 'data is required' : rulesProblem(data);
        if (invalid || data === undefined)
          return [operation, error(400, 'ValidationException', invalid ?? 'data is required')];
        namespaces.set(`${workspace}/${name}`, data);
        const body = { arn: arnOf(workspace, name), name, status: { statusCode }, tags: {} };
        return [operation, { status: 202, body }];
      };
      if (method === 'POST' && !named) {
        const name = String(input.name ?? '');
        if (namespaces.has(`${workspace}/${name}`))
          return [
            'CreateRuleGroupsNamespace',
            error(409, 'ConflictException', `${name} already exists`),
          ];
        return store('CreateRuleGroupsNamespace', name, 'CREATING');
      }
      if (!named) return ['Unknown', error(405, 'UnknownOperationException', `${method} ${path}`)];
      const key = `${workspace}/${named}`;
      if (method === 'GET') {
        const data = namespaces.get(key);
        if (data === undefined)
          return [
            'DescribeRuleGroupsNamespace',
            error(404, 'ResourceNotFoundException', `${named} not found`),
          ];
        return [
          'DescribeRuleGroupsNamespace',
          {
            status: 200,
            body: {
              ruleGroupsNamespace: {
                arn: arnOf(workspace, named),
                name: named,
                status: { statusCode: 'ACTIVE' },
                data: Buffer.from(data).toString('base64'),
                createdAt: Date.now() / 1000,
                modifiedAt: Date.now() / 1000,
                tags: {},
              },
            },
          },
        ];
      }
      if (method === 'PUT') {
        if (!namespaces.has(key))
          return [
            'PutRuleGroupsNamespace',
            error(404, 'ResourceNotFoundException', `${named} not found`),
          ];
        return store('PutRuleGroupsNamespace', named, 'UPDATING');
      }
      return ['Unknown', error(405, 'UnknownOperationException', `${method} ${path}`)];
    }

    const operation = { GET: 'Describe', POST: 'Create', PUT: 'Put' }[method] ?? 'Unknown';
    const name = `${operation}AlertManagerDefinition`;
    if (operation === 'Describe') {
      const data = definitions.get(workspace);
      if (data === undefined)
        return [
          name,
          error(404, 'ResourceNotFoundException', 'Alert manager definition not found'),
        ];
      return [
        name,
        {
          status: 200,
          body: {
            alertManagerDefinition: {
              status: { statusCode: 'ACTIVE' },
              data: Buffer.from(data).toString('base64'),
              createdAt: Date.now() / 1000,
              modifiedAt: Date.now() / 1000,
            },
          },
        },
      ];
    }
    if (operation === 'Unknown') return [name, error(405, 'UnknownOperationException', method)];
    const exists = definitions.has(workspace);
    if (operation === 'Create' && exists)
      return [name, error(409, 'ConflictException', 'An alert manager definition already exists')];
    if (operation === 'Put' && !exists)
      return [name, error(404, 'ResourceNotFoundException', 'Alert manager definition not found')];
    const data = decodeData(input.data);
    const invalid = data === undefined ? 'data is required' : definitionProblem(data);
    if (invalid) return [name, error(400, 'ValidationException', invalid)];
    definitions.set(workspace, data ?? '');
    return [
      name,
      {
        status: 202,
        body: { status: { statusCode: operation === 'Create' ? 'CREATING' : 'UPDATING' } },
      },
    ];
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const check = await verifySigV4(req, body, {
        keys,
        region: STANDIN_AWS.region,
        service: 'aps',
      });
      if (!check.ok) {
        calls.push({ operation: 'Unsigned', status: 403, accessKeyId: check.accessKeyId });
        return answer(res, error(403, check.type, check.message));
      }
      let input: Record<string, unknown> = {};
      if (body !== '') {
        try {
          input = JSON.parse(body) as Record<string, unknown>;
        } catch {
          return answer(res, error(400, 'SerializationException', 'body is not JSON'));
        }
      }
      if (scripted) {
        const { type, status, message } = scripted;
        scripted = undefined;
        calls.push({ operation: 'Scripted', status, accessKeyId: check.accessKeyId });
        return answer(res, error(status, type, message));
      }
      const [operation, result] = route(req, input);
      calls.push({ operation, status: result.status, accessKeyId: check.accessKeyId });
      answer(res, result);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    workspaces,
    namespaces,
    definitions,
    calls,
    failNext: (type, status, message) => {
      scripted = { type, status, message };
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function error(status: number, type: string, message: string): Answer {
  return { status, type, body: { message } };
}

function answer(res: ServerResponse, { status, body, type }: Answer): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-requestid': randomUUID(),
    ...(type ? { 'x-amzn-errortype': type } : {}),
  });
  res.end(JSON.stringify(body));
}

/** The API's blobs travel base64-encoded in the JSON body. */
function decodeData(value: unknown): string | undefined {
  return typeof value === 'string' && value !== ''
    ? Buffer.from(value, 'base64').toString('utf8')
    : undefined;
}

/** What promtool says is wrong with a rules file, or undefined. */
function rulesProblem(data: string): string | undefined {
  return withFiles({ 'rules.yml': data }, (dir) =>
    tool(binaryPath(PROMTOOL), ['check', 'rules', join(dir, 'rules.yml')]),
  );
}

/** What AMP refuses in an alert manager definition, or what amtool does, or undefined. */
function definitionProblem(data: string): string | undefined {
  let definition: unknown;
  try {
    definition = parse(data);
  } catch (e) {
    return `not YAML: ${(e as Error).message}`;
  }
  if (typeof definition !== 'object' || definition === null) return 'not a YAML map';
  const {
    template_files: templates = {},
    alertmanager_config: config,
    ...rest
  } = definition as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `unknown fields: ${Object.keys(rest).join(', ')}`;
  if (typeof config !== 'string') return 'alertmanager_config is required, as a string';
  let parsed: Record<string, unknown>;
  try {
    parsed = parse(config) as Record<string, unknown>;
  } catch (e) {
    return `alertmanager_config is not YAML: ${(e as Error).message}`;
  }
  for (const receiver of (parsed.receivers ?? []) as Array<Record<string, unknown>>) {
    const kinds = Object.keys(receiver).filter((k) => k !== 'name');
    if (kinds.some((k) => k !== 'sns_configs'))
      return `receiver ${String(receiver.name)}: only sns_configs are supported, not ${kinds.join(', ')}`;
    for (const sns of (receiver.sns_configs ?? []) as Array<Record<string, unknown>>) {
      if ('api_url' in sns || 'http_config' in sns)
        return `receiver ${String(receiver.name)}: api_url and http_config are not allowed`;
      if (!(sns.sigv4 as { region?: string } | undefined)?.region)
        return `receiver ${String(receiver.name)}: sigv4.region is required`;
    }
  }
  const names = Object.keys(templates as Record<string, string>);
  return withFiles(
    Object.fromEntries(Object.entries(templates as Record<string, string>)),
    (dir) => {
      // AMP resolves `templates:` by template_files key; amtool needs the paths.
      const local = { ...parsed, templates: names.map((name) => join(dir, name)) };
      writeFileSync(join(dir, 'alertmanager.yml'), stringify(local));
      return tool(binaryPath(AMTOOL), ['check-config', join(dir, 'alertmanager.yml')]);
    },
  );
}

function withFiles(
  files: Record<string, string>,
  check: (dir: string) => string | undefined,
): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'amp-standin-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return check(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tool(binary: string, args: string[]): string | undefined {
  const result = spawnSync(binary, args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  return result.status === 0 ? undefined : `${result.stdout}${result.stderr}`.trim();
}
