/**
 * `npm run targets:discover`: find the account's CP codes with the CP Codes and Reporting
 * Groups API and merge them into one eStats schedule of a stage file, keeping its comments
 * and hand edits (src/deploy/targetDiscovery.ts). Shows what changes and the Akamai budget the
 * result needs, then writes; `--dry-run` writes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { accountSwitchKeyOf, type AkamaiClient } from '../src/akamai/clients';
import { type CredentialSource, loadSigner } from '../src/akamai/credentials';
import { cpCodeFiltersOf, listCpCodes } from '../src/akamai/cpCodes';
import { secretSettingsFromEnv } from '../src/config/secrets';
import { DEFAULT_SAFETY_MARGIN_MS } from '../src/constants';
import { checkedEstatsBudget, type StageConfig, stageConfigOf } from '../src/deploy/stage';
import {
  applyDiscovery,
  type DiscoveryPlan,
  openStageDocument,
  planDiscovery,
  plannedTargetCount,
  selectCpCodes,
} from '../src/deploy/targetDiscovery';
import { deadlineIn } from '../src/shared/deadline';
import { ConfigurationError, describeError } from '../src/shared/errors';

const HELP = `Usage: npm run targets:discover -- --stage NAME [options]

Finds the account's CP codes (Akamai's CP Codes and Reporting Groups API) and merges them into
an eStats schedule of config/NAME.yml: new CP codes are added with Akamai's name, names that
discovery wrote follow renames, names written by hand stay, and CP codes Akamai no longer
lists are reported (removed only with --remove-vanished). Comments and hand edits are kept.
Shows the changes and the eStats budget the result needs, then writes the file.

Which stage file and schedule:
  --stage NAME            config/NAME.yml (required)
  --stage-config FILE     that file instead
  --schedule NAME         the eStats schedule (its input.name) that gets the CP codes; needed
                          when the file has several

Which API client (one of):
  --client NAME           a client of the stage file's akamai.clients (its .edgerc section, from
                          AKAMAI_EDGERC or ~/.edgerc, or its Secrets Manager secret)
  --edgerc FILE           an .edgerc file (default AKAMAI_EDGERC, else ~/.edgerc) ...
  --section NAME          ... and its section (default: default)
  --account-switch-key K  the account of a partner or multi-account client

Which CP codes (all optional; the first four are filtered by Akamai):
  --contract ID           of this contract
  --group ID              of this group
  --product ID            of this product (e.g. Site_Accel)
  --name TEXT             whose name contains TEXT
  --match REGEX           whose name matches REGEX
  --exclude-match REGEX   except those whose name matches REGEX
  --exclude IDS           except these CP codes (comma-separated)

What to do:
  --remove-vanished       also remove the schedule's CP codes that Akamai did not list
  --dry-run               show the changes and the budget, write nothing
  --estats-timeout SEC    the estatsTimeout param the budget is checked against (default 110)
  -h, --help              show this help
  -V, --version           print the version
`;

const values = parseCommandLine(HELP, {
  stage: { type: 'string' },
  'stage-config': { type: 'string' },
  schedule: { type: 'string' },
  client: { type: 'string' },
  edgerc: { type: 'string' },
  section: { type: 'string' },
  'account-switch-key': { type: 'string' },
  contract: { type: 'string' },
  group: { type: 'string' },
  product: { type: 'string' },
  name: { type: 'string' },
  match: { type: 'string' },
  'exclude-match': { type: 'string' },
  exclude: { type: 'string' },
  'remove-vanished': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  'estats-timeout': { type: 'string', default: '110' },
});

const print = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  if (!values.stage)
    throw new ConfigurationError('--stage is required', {
      hint: 'name the stage whose file gets the CP codes: --stage prod (config/prod.yml)',
    });
  const stage = values.stage;
  const file = values['stage-config'] ?? join(__dirname, '..', 'config', `${stage}.yml`);
  const shown = relative(process.cwd(), file) || file;
  const text = readFileSync(file, 'utf8');
  // The file as it is must be valid: discovery edits a file that packages.
  const current = stageConfigOf(text, file, stage);
  const document = openStageDocument(text, shown, values.schedule);

  const { source, client } = credentialsOf(current, shown);
  const signer = await loadSigner(source, deadlineIn(30_000));
  // As the function resolves it: the .edgerc section's account_key included.
  const accountSwitchKey = accountSwitchKeyOf(
    { ...(values['account-switch-key'] ? { explicit: values['account-switch-key'] } : {}), client },
    signer,
  );
  const listed = await listCpCodes(signer, {
    filters: cpCodeFiltersOf(values),
    ...(accountSwitchKey ? { accountSwitchKey } : {}),
    deadline: deadlineIn(120_000),
  });
  const selected = selectCpCodes(listed, {
    exclude: idsOf(values.exclude),
    ...(values.match ? { namePattern: regexOf(values.match, '--match') } : {}),
    ...(values['exclude-match']
      ? { excludeNamePattern: regexOf(values['exclude-match'], '--exclude-match') }
      : {}),
  });
  if (selected.length === 0)
    throw new ConfigurationError(
      `no CP code matched: Akamai listed ${listed.length}${listed.length > 0 ? ', the local filters kept none' : ' for these filters'}`,
      {
        hint:
          listed.length > 0
            ? 'loosen --match, --exclude-match or --exclude'
            : 'check --contract, --group, --product and --name, and that the API client (and accountSwitchKey) sees the account you mean',
      },
    );

  const plan = planDiscovery(document, selected, { removeVanished: values['remove-vanished'] });
  showPlan(plan, listed.length, selected.length, plannedTargetCount(plan));
  const merged = applyDiscovery(document, plan);
  // The result is validated like a packaged stage file, and its budget shown (or refused).
  const timeout = Number(values['estats-timeout']);
  if (!Number.isInteger(timeout) || timeout < 10 || timeout > 900)
    throw new ConfigurationError(
      `--estats-timeout ${values['estats-timeout']} is not whole seconds between 10 and 900`,
      {
        hint: 'give the estatsTimeout param of the stage (default 110)',
      },
    );
  const config = stageConfigOf(merged, file, stage);
  print();
  print(checkedEstatsBudget(config, timeout, DEFAULT_SAFETY_MARGIN_MS).trimEnd());
  print();
  if (merged === text) return print(`${shown} is up to date: nothing to write`);
  if (values['dry-run']) return print(`--dry-run: ${shown} not written`);
  writeFileSync(file, merged);
  print(`wrote ${shown}`);
}

/** The API client to ask: one of the stage file's clients, or an .edgerc section. */
function credentialsOf(
  config: StageConfig,
  shown: string,
): { source: CredentialSource; client?: AkamaiClient } {
  const edgerc = values.edgerc ?? process.env.AKAMAI_EDGERC ?? '~/.edgerc';
  if (!values.client)
    return { source: { kind: 'edgerc', path: edgerc, section: values.section ?? 'default' } };
  const clients = new Map(
    config.estats.flatMap(({ input }) => input.clients ?? []).map((c) => [c.name, c]),
  );
  const client = clients.get(values.client);
  if (!client)
    throw new ConfigurationError(`${shown}: no schedule uses an API client ${values.client}`, {
      hint: `name one of ${[...clients.keys()].join(', ') || 'its clients (akamai.clients, used by a schedule)'}, or use --edgerc FILE --section NAME`,
    });
  const source: CredentialSource = client.secret
    ? { kind: 'secretsManager', ...secretSettingsFromEnv(process.env, client.secret) }
    : { kind: 'edgerc', path: edgerc, section: client.edgercSection ?? 'default' };
  return { source, client };
}

function showPlan(plan: DiscoveryPlan, listed: number, selected: number, total: number): void {
  const line = (cp: { cpCode: number }, name: string | undefined) =>
    `  ${String(cp.cpCode).padStart(10)}  ${name ?? ''}`.trimEnd();
  print(`Akamai listed ${listed} CP codes; ${selected} kept by the filters.`);
  print(`Schedule ${plan.schedule}: ${total} targets after the merge.`);
  print();
  print(`Added (${plan.added.length}):`);
  for (const cp of plan.added) print(line(cp, cp.name));
  print(`Named or renamed from Akamai (${plan.renamed.length}):`);
  for (const r of plan.renamed) print(`${line(r, r.to)}${r.from ? `  (was ${r.from})` : ''}`);
  print(
    `Not listed by Akamai (${plan.vanished.length})${plan.vanished.length === 0 ? '' : plan.removeVanished ? ', removed:' : ', kept (--remove-vanished removes them):'}`,
  );
  for (const v of plan.vanished) print(line(v, v.name));
  print(`Unchanged: ${plan.unchanged}`);
}

function idsOf(list: string | undefined): number[] {
  if (!list) return [];
  return list.split(',').map((item) => {
    const id = Number(item.trim());
    if (!Number.isInteger(id) || id <= 0)
      throw new ConfigurationError(`--exclude: ${JSON.stringify(item)} is not a CP code`, {
        hint: 'give CP codes as integers, comma-separated: --exclude 123456,234567',
      });
    return id;
  });
}

function regexOf(pattern: string, flag: string): RegExp {
  try {
    return new RegExp(pattern, 'i');
  } catch (error) {
    throw new ConfigurationError(`${flag}: ${(error as Error).message}`, {
      hint: 'give a JavaScript regular expression, e.g. "^shop-"',
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`target discovery failed: ${describeError(error)}\n`);
  process.exit(1);
});
