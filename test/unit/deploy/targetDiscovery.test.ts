import type { AccountCpCode } from '../../../src/akamai/cpCodes';
import {
  applyDiscovery,
  openStageDocument,
  planDiscovery,
  plannedTargetCount,
  selectCpCodes,
} from '../../../src/deploy/targetDiscovery';
import { refusalText } from '../../helpers/refusal';

const cp = (cpCode: number, name: string): AccountCpCode => ({
  cpCode,
  name,
  contracts: [],
  products: [],
});

describe('selecting the CP codes of a listing', () => {
  it('sorts, drops duplicates, and applies the id and name exclusions', () => {
    const listed = [
      cp(3, 'shop-c'),
      cp(1, 'shop-a'),
      cp(2, 'media-b'),
      cp(1, 'shop-a'),
      cp(4, 'shop-test'),
    ];
    expect(selectCpCodes(listed, {}).map((c) => c.cpCode)).toEqual([1, 2, 3, 4]);
    expect(
      selectCpCodes(listed, {
        namePattern: /^shop/,
        excludeNamePattern: /test$/,
        exclude: [3],
      }).map((c) => c.cpCode),
    ).toEqual([1]);
  });
});

describe('merging into a stage file', () => {
  it('reads flow-style targets too, writing a renamed one as a block map', () => {
    const text = `estats:\n  - rate: rate(2 minutes)\n    input:\n      targets:\n        - { cpCode: 1, name: Hand }\n        - { cpCode: 2, name: old # from Akamai\n          }\n`;
    const stage = openStageDocument(text, 'prod.yml');
    const plan = planDiscovery(stage, [cp(1, 'one'), cp(2, 'two'), cp(3, 'three')]);
    expect(plan.added.map((c) => c.cpCode)).toEqual([3]);
    expect(plan.renamed).toEqual([{ cpCode: 2, from: 'old', to: 'two' }]);
    expect(plan.unchanged).toBe(1);
    expect(plannedTargetCount(plan)).toBe(3);
    const merged = applyDiscovery(stage, plan);
    // The same count once applied (the plan, not the edited list, is counted).
    expect(plannedTargetCount(plan)).toBe(3);
    expect(merged).toContain('- { cpCode: 1, name: Hand }');
    expect(merged).toContain('- cpCode: 2\n          name: two # from Akamai');
  });

  it.each([false, true])(
    'counts the targets the file holds after the merge (removeVanished %s)',
    (removeVanished) => {
      const text = `estats:\n  - rate: rate(2 minutes)\n    input:\n      targets:\n        - cpCode: 1\n        - cpCode: 2\n        - cpCode: 9\n        - url: https://www.example.com/\n`;
      const stage = openStageDocument(text, 'prod.yml');
      const plan = planDiscovery(stage, [cp(1, 'one'), cp(2, 'two'), cp(3, 'three')], {
        removeVanished,
      });
      const merged = applyDiscovery(stage, plan);
      const inFile = (merged.match(/^ {8}- /gm) ?? []).length;
      expect(inFile).toBe(removeVanished ? 4 : 5);
      expect(plannedTargetCount(plan)).toBe(inFile);
    },
  );

  it('writes back every byte outside the targets list as it was', () => {
    const text = `# top\nestats:\n  - rate: rate(2 minutes) # every 2\n    input:\n      name: shop\n      targets:\n        - cpCode: 1\n          delivery: STANDARD_TLS # keep me\n      # after the list\n      topEdgeIps: 5\nclients: [cdn-a, cdn-b]\n`;
    const stage = openStageDocument(text, 'prod.yml');
    const merged = applyDiscovery(stage, planDiscovery(stage, [cp(1, 'one'), cp(2, 'two')]));
    expect(merged).toBe(
      text.replace(
        '# keep me\n',
        '# keep me\n          name: one # from Akamai\n        - cpCode: 2\n          name: two # from Akamai\n',
      ),
    );
  });

  it('adds a targets list to a schedule that has none', () => {
    const stage = openStageDocument(
      'estats:\n  - rate: rate(2 minutes)\n    input:\n      name: new\n',
      'prod.yml',
    );
    const merged = applyDiscovery(stage, planDiscovery(stage, [cp(7, 'seven')]));
    expect(merged).toContain('targets:\n        - cpCode: 7\n          name: seven # from Akamai');
  });

  it.each([
    ['synthetic: []\n', 'prod.yml has no eStats schedule to add CP codes to'],
    ['estats: [\n', 'prod.yml: not YAML'],
    [
      'estats:\n  - rate: rate(2 minutes)\n    input:\n      targets: {}\n',
      'estats schedule default: input.targets is not a list',
    ],
  ])('refuses %j clearly', (text, message) => {
    expect(refusalText(() => openStageDocument(text, 'prod.yml'))).toContain(message);
  });

  it('refuses a schedule name the file does not have, naming those it has', () => {
    const text =
      'estats:\n  - rate: rate(2 minutes)\n    input:\n      name: shop\n      targets: []\n';
    expect(refusalText(() => openStageDocument(text, 'prod.yml', 'media'))).toContain(
      'prod.yml has no eStats schedule named media. --schedule shop (its input.name); the schedules are shop',
    );
  });
});
