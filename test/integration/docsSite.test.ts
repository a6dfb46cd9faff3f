import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { binaryPath, CHROMIUM } from '../../dev/debianBinaries';
import { REPO_ROOT, runProcess } from '../helpers/runProcess';
import { fileOfPath, serveStaticSite } from '../helpers/staticSite';

/**
 * The docs site as readers get it: `vitepress build` of docs/, its every page in the
 * navigation, no internal link or anchor broken, and a real headless Chromium (Debian's)
 * loading the home page and a generated reference page from a static server: navigation,
 * search box and the settings table present. The screenshots are the build's artifacts,
 * in .tmp/artifacts/docs/.
 */
jest.setTimeout(240_000);

const DOCS = join(REPO_ROOT, 'docs');
const ARTIFACTS = join(REPO_ROOT, '.tmp', 'artifacts', 'docs');
let site: string;

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : filesUnder(path, extension);
    return entry.name.endsWith(extension) ? [path] : [];
  });
}

beforeAll(async () => {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  site = mkdtempSync(join(REPO_ROOT, '.tmp', 'docs-site-test-'));
  const build = await runProcess('npx', ['vitepress', 'build', 'docs', '--outDir', site]);
  if (build.code !== 0) throw new Error(`vitepress build failed:\n${build.output}`);
});
afterAll(() => rmSync(site, { recursive: true, force: true }));

it('lists every page of docs/ in the navigation', () => {
  const sidebar = JSON.parse(
    readFileSync(join(DOCS, '.vitepress', 'sidebar.json'), 'utf8'),
  ) as Array<{ items: Array<{ link: string }> }>;
  const linked = new Set(sidebar.flatMap((group) => group.items.map((item) => item.link)));
  const pages = filesUnder(DOCS, '.md')
    .map((file) => `/${relative(DOCS, file).replace(/\\/g, '/').replace(/\.md$/, '')}`)
    .filter((page) => page !== '/index');
  expect(pages.length).toBeGreaterThan(20);
  expect(pages.filter((page) => !linked.has(page))).toEqual([]);
  expect([...linked].filter((link) => !pages.includes(link))).toEqual([]);
});

/**
 * The internal links of a built page (its HTML, or `html` as if it were there) that lead to
 * no page, or to no heading of it. Links out of the site are not followed.
 */
function brokenLinksOf(page: string, html = readFileSync(page, 'utf8')): string[] {
  const pagePath = `/${relative(site, page).replace(/\\/g, '/')}`;
  const broken: string[] = [];
  for (const [, href = ''] of html.matchAll(/<a [^>]*href="([^"]+)"/g)) {
    if (/^[a-z]+:|^\/\//.test(href)) continue;
    const [path = '', anchor] = href.split('#');
    const target =
      path === '' ? page : fileOfPath(site, posix.resolve(posix.dirname(pagePath), path));
    if (!target) broken.push(`${pagePath}: ${href} (no page)`);
    else if (anchor && !idsOf(target).has(decodeURIComponent(anchor)))
      broken.push(`${pagePath}: ${href} (no heading)`);
  }
  return broken;
}

const ids = new Map<string, Set<string>>();
function idsOf(file: string): Set<string> {
  let found = ids.get(file);
  if (!found) {
    found = new Set(
      [...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] ?? ''),
    );
    ids.set(file, found);
  }
  return found;
}

it('has no broken internal link or anchor on any built page', () => {
  const pages = filesUnder(site, '.html');
  const links = pages.flatMap((page) =>
    [...readFileSync(page, 'utf8').matchAll(/<a [^>]*href="\/[^/]/g)].map(() => page),
  );
  expect(pages.length).toBeGreaterThan(20);
  expect(links.length).toBeGreaterThan(500);
  expect(pages.flatMap((page) => brokenLinksOf(page))).toEqual([]);
});

it('refuses a link to no page and an anchor to no heading: the check above can fail', () => {
  const page = join(site, 'guides', 'estats.html');
  const html =
    '<a href="/no-such-page">x</a><a href="../reference/settings#no-such-heading">y</a><a href="../reference/settings#sinks">z</a>';
  expect(brokenLinksOf(page, html)).toEqual([
    '/guides/estats.html: /no-such-page (no page)',
    '/guides/estats.html: ../reference/settings#no-such-heading (no heading)',
  ]);
});

describe('in a real browser (headless Chromium)', () => {
  let server: Awaited<ReturnType<typeof serveStaticSite>>;
  const chromium = binaryPath(CHROMIUM);
  let profile: string;
  beforeAll(async () => {
    server = await serveStaticSite(site);
    profile = mkdtempSync(join(tmpdir(), 'docs-chromium-'));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  });

  /** Chromium on a page: asynchronous, since the server answering it runs in this process. */
  const browse = async (args: string[]): Promise<string> => {
    try {
      const { stdout } = await promisify(execFile)(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--hide-scrollbars',
          '--no-first-run',
          `--user-data-dir=${profile}`,
          '--window-size=1280,900',
          // Let the page's scripts run (hydration, the search) before the DOM is read.
          '--virtual-time-budget=5000',
          ...args,
        ],
        { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
      );
      return stdout;
    } catch (error) {
      throw new Error(`${chromium} ${args.join(' ')} failed: ${(error as Error).message}`);
    }
  };

  it.each([
    ['home', '/', 'Getting started'],
    ['settings', '/reference/settings', 'PUSHGATEWAY_URL'],
  ])('loads the %s page with its navigation, search box and content', async (name, path, text) => {
    const dom = await browse(['--dump-dom', `${server.url}${path}`]);
    expect(dom).toContain('class="VPNavBar');
    expect(dom).toMatch(/class="DocSearch DocSearch-Button"[^>]*aria-label="Search"/);
    expect(dom).toContain(text);
    if (name === 'settings') {
      // The generated table, and the sidebar beside it.
      expect(dom).toMatch(/<table[^>]*>[\s\S]*<code>PUSHGATEWAY_URL<\/code>[\s\S]*<\/table>/);
      expect(dom).toContain('class="VPSidebar');
    }
    const shot = join(ARTIFACTS, `${name}.png`);
    await browse([`--screenshot=${shot}`, `${server.url}${path}`]);
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    expect(dirname(shot)).toBe(ARTIFACTS);
  });
});
