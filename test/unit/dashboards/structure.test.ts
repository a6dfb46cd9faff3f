import { shippedDashboards } from '../../../src/deploy/alertingFiles';
import { panelsOf, queriesOf } from '../../../src/dashboards/model';

const dashboards = Object.entries(shippedDashboards());
const BUILTIN_VARIABLES = new Set(['__rate_interval', '__interval', '__range']);

describe.each(dashboards)('dashboard %s', (_file, dashboard) => {
  const all = dashboard.panels ?? [];
  const panels = panelsOf(dashboard);

  it('has a stable uid, the product tag and links to its siblings', () => {
    expect(dashboard.uid).toMatch(/^pushgate-[a-z-]+$/);
    expect(dashboard.tags).toContain('pushgate-collector');
    expect(dashboard.links?.[0]).toMatchObject({
      type: 'dashboards',
      tags: ['pushgate-collector'],
    });
  });

  it('has unique panel ids, rows included', () => {
    const ids = all.map((p) => p.id);
    expect(ids.every((id) => typeof id === 'number' && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('groups its panels in rows, each starting a line of the grid', () => {
    expect(all[0]?.type).toBe('row');
    for (const row of all.filter((p) => p.type === 'row'))
      expect([row.title, row.gridPos?.x, row.gridPos?.w]).toEqual([row.title, 0, 24]);
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    const cells = new Set<string>();
    for (const panel of all) {
      const { x, y, w, h } = panel.gridPos ?? { x: -1, y: -1, w: 0, h: 0 };
      expect([panel.title, x >= 0 && w > 0 && h > 0 && x + w <= 24]).toEqual([panel.title, true]);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const cell = `${i},${j}`;
          expect([panel.title, cells.has(cell)]).toEqual([panel.title, false]);
          cells.add(cell);
        }
      }
    }
  });

  it('sets a unit on every panel and uses the datasource variable, never a fixed id', () => {
    for (const panel of panels) {
      expect([panel.title, typeof panel.fieldConfig?.defaults.unit]).toEqual([
        panel.title,
        'string',
      ]);
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of queriesOf(panel)) expect(t.datasource?.uid).toBe('${datasource}');
    }
  });

  it('defines every variable its queries use', () => {
    const defined = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
    const exprs = panels.flatMap((p) => queriesOf(p).map((t) => t.expr));
    for (const expr of exprs) {
      for (const [, name] of expr.matchAll(/\$\{?(\w+)/g)) {
        expect([
          expr,
          BUILTIN_VARIABLES.has(name as string) || defined.has(name as string),
        ]).toEqual([expr, true]);
      }
    }
  });
});

it('gives every dashboard its own uid', () => {
  const uids = dashboards.map(([, d]) => d.uid);
  expect(new Set(uids).size).toBe(uids.length);
});
