/**
 * `npm run targets:discover` as a user runs it: a real `.edgerc` section, the CP-code list of
 * the Akamai stand-in (EdgeGrid-checked, Akamai's format, the API grant and accountSwitchKey
 * checked), merged into a stage file that has comments and hand edits.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PARTNER_ACCOUNT_KEY, startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import type { EstatsSimulator, StandinCpCode } from '../../dev/simulators/akamai/server';
import { loadStageConfig } from '../../src/deploy/stage';
import { runProcess } from '../helpers/runProcess';

const cp = (
  cpcodeId: number,
  cpcodeName: string,
  contractId = 'C-0N7RAC7',
  productIds = ['Site_Accel'],
  groupId = 54321,
): StandinCpCode => ({ cpcodeId, cpcodeName, contractId, groupId, productIds });

// The account: shop and media properties over two contracts and products, and a CP code
// whose name changed since it was discovered.
const ACCOUNT = [
  cp(510001, 'shop-images'),
  cp(510002, 'shop-api'),
  cp(510003, 'shop-checkout-renamed'),
  cp(510004, 'media-video', 'C-OTHER01', ['Adaptive_Media_Delivery'], 77777),
  cp(510005, 'media-downloads', 'C-OTHER01', ['Download_Delivery'], 77777),
  cp(510006, 'shop-legacy-test'),
];
const PARTNER_ACCOUNT = [cp(620001, 'partner-www'), cp(620002, 'partner-static')];

// A stage file as people keep it: comments, a hand-named CP code, a name discovery wrote
// before, a URL target, and a CP code the account no longer has.
const STAGE_FILE = `# Production targets of the CDN team: reviewed in PRs.
estats:
  - rate: rate(2 minutes)
    input:
      name: shop # the shop's CP codes
      targets:
        - cpCode: 510001 # the one the pager cares about
          name: Shop images (hand-named)
          delivery: ENHANCED_TLS
        - cpCode: 510003
          name: shop-checkout # from Akamai
        - url: https://www.acme-shop.test/checkout
        - cpCode: 599999 # decommissioned last month
synthetic: []
alerting:
  routing:
    oncall: false
functions:
  pushgatewayUrl: https://pushgateway.acme.test:9091
`;

let akamai: EstatsSimulator;
let edgercPath: string;

beforeAll(async () => {
  ({ akamai, edgercPath } = await startAkamaiStandin({
    cprg: {
      accounts: new Map([
        ['', ACCOUNT],
        [PARTNER_ACCOUNT_KEY, PARTNER_ACCOUNT],
      ]),
    },
  }));
});
afterAll(() => akamai.stop());

function stageFile(text = STAGE_FILE): string {
  const file = join(mkdtempSync(join(tmpdir(), 'discover-')), 'prod.yml');
  writeFileSync(file, text);
  return file;
}

const discover = (file: string, args: string[], section = 'standin') =>
  runProcess('npx', [
    'tsx',
    'scripts/targets-discover.ts',
    '--stage',
    'prod',
    '--stage-config',
    file,
    '--edgerc',
    edgercPath,
    '--section',
    section,
    ...args,
  ]);

const cpRequests = () => akamai.requests.filter((r) => r.path === '/cprg/v1/cpcodes');

it('shows what a merge would change and the budget it needs, and writes nothing on a dry run', async () => {
  const file = stageFile();
  const run = await discover(file, ['--dry-run']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('Akamai listed 6 CP codes; 6 kept by the filters.');
  expect(run.stdout).toMatch(/Added \(4\):\n\s+510002 {2}shop-api\n\s+510004 {2}media-video/);
  expect(run.stdout).toMatch(
    /Named or renamed from Akamai \(1\):\n\s+510003 {2}shop-checkout-renamed {2}\(was shop-checkout\)/,
  );
  expect(run.stdout).toMatch(
    /Not listed by Akamai \(1\), kept \(--remove-vanished removes them\):\n\s+599999/,
  );
  // The packaging budget table of the result: its schedule and its number of targets.
  expect(run.stdout).toMatch(/shop\b.*\b8\b/);
  expect(run.stdout).toContain('--dry-run: ');
  expect(readFileSync(file, 'utf8')).toBe(STAGE_FILE);
});

it('merges into the stage file, keeping its comments and hand edits, and the result packages', async () => {
  const file = stageFile();
  const run = await discover(file, ['--remove-vanished']);
  expect(run.code).toBe(0);
  // The count it prints is the count the file holds (below: 7).
  expect(run.stdout).toContain('Schedule shop: 7 targets after the merge.');
  const merged = readFileSync(file, 'utf8');
  // Hand edits and comments stay as written.
  expect(merged).toContain('# Production targets of the CDN team: reviewed in PRs.');
  expect(merged).toContain("name: shop # the shop's CP codes");
  expect(merged).toContain(
    '- cpCode: 510001 # the one the pager cares about\n          name: Shop images (hand-named)\n          delivery: ENHANCED_TLS',
  );
  expect(merged).toContain('- url: https://www.acme-shop.test/checkout');
  // A name discovery wrote follows Akamai's rename; new CP codes come with their names.
  expect(merged).toContain('name: shop-checkout-renamed # from Akamai');
  expect(merged).toContain('- cpCode: 510002\n          name: shop-api # from Akamai');
  // Asked to, the CP code Akamai no longer lists is gone.
  expect(merged).not.toContain('599999');

  const config = loadStageConfig(file, 'prod');
  const targets = config.estats[0]?.input.targets ?? [];
  expect(targets.map((t) => ('cpCode' in t ? t.cpCode : t.url))).toEqual([
    510001,
    510003,
    'https://www.acme-shop.test/checkout',
    510002,
    510004,
    510005,
    510006,
  ]);
  expect(targets.find((t) => 'cpCode' in t && t.cpCode === 510001)?.name).toBe(
    'Shop images (hand-named)',
  );

  // Discovering again changes nothing.
  const again = await discover(file, ['--remove-vanished']);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('is up to date: nothing to write');
  expect(readFileSync(file, 'utf8')).toBe(merged);
});

it('filters by contract, product and name at Akamai, and by pattern and id here', async () => {
  const file = stageFile();
  const before = cpRequests().length;
  const run = await discover(file, [
    '--contract',
    'C-0N7RAC7',
    '--product',
    'Site_Accel',
    '--name',
    'shop',
    '--exclude-match',
    'test$',
    '--exclude',
    '510002',
    '--dry-run',
  ]);
  expect(run.code).toBe(0);
  expect(cpRequests().slice(before)[0]?.query).toEqual({
    contractId: 'C-0N7RAC7',
    productId: 'Site_Accel',
    cpcodeName: 'shop',
  });
  // Akamai listed the four shop CP codes of that contract; the local filters kept two.
  expect(run.stdout).toContain('Akamai listed 4 CP codes; 2 kept by the filters.');
  expect(run.stdout).toMatch(/Added \(0\):/);
});

it("lists another account's CP codes with an accountSwitchKey, and refuses one the client may not use", async () => {
  const file = stageFile();
  const run = await discover(file, ['--account-switch-key', 'B-1-PARTNER', '--dry-run']);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/Added \(2\):\n\s+620001 {2}partner-www\n\s+620002 {2}partner-static/);

  const refused = await discover(file, ['--account-switch-key', 'B-9-NOT-MINE', '--dry-run']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('HTTP 403');
  expect(refused.stderr).toContain('accountSwitchKey is not one it may use');
});

it("lists the account of the .edgerc section's account_key, as the function does", async () => {
  const file = stageFile();
  const before = cpRequests().length;
  const run = await discover(file, ['--dry-run'], 'partner');
  expect(run.code).toBe(0);
  expect(cpRequests().slice(before)[0]?.query).toEqual({ accountSwitchKey: PARTNER_ACCOUNT_KEY });
  expect(run.stdout).toContain('Akamai listed 2 CP codes; 2 kept by the filters.');
  expect(run.stdout).toMatch(/Added \(2\):\n\s+620001 {2}partner-www\n\s+620002 {2}partner-static/);
  // The home account's CP codes are not the partner's: kept, not replaced.
  expect(run.stdout).toContain('Not listed by Akamai (3), kept');
});

it('says what to do when the API client has no grant for the CP-code API, and writes nothing', async () => {
  const file = stageFile();
  const run = await discover(file, [], 'no-grant');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('target discovery failed: CP codes of https://');
  expect(run.stderr).toContain('HTTP 403: Not authorized');
  expect(run.stderr).toContain('no grant for the "CPcode and Reporting group (CPRG)" API');
  expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  expect(readFileSync(file, 'utf8')).toBe(STAGE_FILE);
});

it('names an unknown contract and an empty result', async () => {
  const file = stageFile();
  const unknown = await discover(file, ['--contract', 'C-NOPE', '--dry-run']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('The contract C-NOPE is not valid for this client');
  expect(unknown.stderr).toContain('no contract C-NOPE');

  const empty = await discover(file, ['--name', 'no-such-property', '--dry-run']);
  expect(empty.code).toBe(1);
  expect(empty.stderr).toContain('no CP code matched: Akamai listed 0 for these filters');
});

it("waits out a 429 with Akamai's Retry-After, then lists", async () => {
  const file = stageFile();
  akamai.queueCpCodesBehaviour({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
  const before = cpRequests().length;
  const run = await discover(file, ['--dry-run']);
  expect(run.code).toBe(0);
  expect(
    cpRequests()
      .slice(before)
      .map((r) => r.status),
  ).toEqual([429, 200]);
  expect(run.stdout).toContain('Akamai listed 6 CP codes');
});

it('refuses a stage file with several schedules unless one is named', async () => {
  const two = STAGE_FILE.replace(
    'synthetic: []',
    '  - rate: rate(5 minutes)\n    input:\n      name: media\n      targets:\n        - cpCode: 510004\nsynthetic: []',
  );
  const run = await discover(stageFile(two), ['--dry-run']);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(
    'has 2 eStats schedules (shop, media): say which one gets the CP codes',
  );
  const named = await discover(stageFile(two), ['--schedule', 'media', '--dry-run']);
  expect(named.code).toBe(0);
  expect(named.stdout).toContain('Schedule media:');
});
