import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, runProcess } from '../../helpers/runProcess';

/**
 * `npm run lint:links` (part of `npm run lint`): every link between our Markdown files, and
 * every heading anchor, must resolve. Checked on the docs as they are, and on a file with
 * broken links, so the check is known to refuse them.
 */
const remark = (files: string[]) =>
  runProcess('npx', ['remark', '--no-ignore', '--quiet', '--frail', '--no-stdout', ...files]);

it("passes on the repository's docs", async () => {
  const result = await runProcess('npm', ['run', '--silent', 'lint:links']);
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
});

it('refuses a missing heading, a missing heading in another file, and a missing file', async () => {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, '.tmp', 'links-'));
  const readme = relative(dir, join(REPO_ROOT, 'README.md'));
  const file = join(dir, 'broken.md');
  writeFileSync(
    file,
    `# Broken\n\n[a](#run-a-function-locally) [b](${readme}#no-such-heading) [c](./missing.md) [d](#broken)\n`,
  );
  const result = await remark([relative(REPO_ROOT, file)]);
  rmSync(dir, { recursive: true });
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('#run-a-function-locally');
  expect(result.output).toContain('no-such-heading');
  expect(result.output).toContain('missing.md');
  // The one good link is not reported.
  expect(result.output).not.toContain('`#broken`');
});
