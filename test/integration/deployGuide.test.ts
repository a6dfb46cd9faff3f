import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT, runProcess } from '../helpers/runProcess';

/**
 * The deploy guide (docs/deploy.md) as a new user follows it: every command it marks as
 * offline, run in its order, in a copy of the repository (its files as a clone has them, this
 * checkout's node_modules), with the one edit the guide asks for in between: each CHANGE-ME of
 * the stage file replaced, as a user would with their own values.
 */
jest.setTimeout(600_000);

const GUIDE = join(REPO_ROOT, 'docs', 'deploy.md');
const MARK = '<!-- offline: run by test/integration/deployGuide.test.ts -->';
/** A command that runs until Ctrl-C (npm start): run until its first run, then stopped. */
const LONG_RUNNING_MARK =
  '<!-- offline until its first run: run by test/integration/deployGuide.test.ts -->';

/** The code blocks the guide marks with `mark`, in its order. */
function offlineBlocks(text: string, mark = MARK): string[] {
  const blocks: string[] = [];
  const pattern = new RegExp(
    `${mark.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``,
    'g',
  );
  for (const match of text.matchAll(pattern)) blocks.push(match[1] ?? '');
  return blocks;
}

/** A copy of the repository's files (tracked, and new ones not ignored), sharing node_modules. */
function copyOfRepository(): string {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  const copy = mkdtempSync(join(REPO_ROOT, '.tmp', 'deploy-guide-'));
  const files = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  )
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(REPO_ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), join(copy, file));
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

/**
 * Run a command that runs until Ctrl-C in `dir` until its first eStats run, then press Ctrl-C
 * (SIGINT to its process group, as a terminal does) and collect everything it printed.
 */
function untilFirstRun(dir: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `cd "${dir}" && exec ${command}`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stopped = false;
    const stop = () => {
      if (stopped || child.pid === undefined) return;
      stopped = true;
      process.kill(-child.pid, 'SIGINT');
    };
    const giveUp = setTimeout(stop, 240_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (/estats\s+\d+\/\d+ targets/.test(output)) stop();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(giveUp);
      resolve(output);
    });
  });
}

let copy: string | undefined;
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

it('runs every offline command of the deploy guide, in order, from a copy of the repository', async () => {
  const blocks = offlineBlocks(readFileSync(GUIDE, 'utf8'));
  // The guide's offline steps: the stage file, packaging, the alerting for your stack.
  expect(blocks.map((block) => block.split('\n')[0]?.split(' ').slice(0, 2).join(' '))).toEqual([
    'cp config/prod.example.yml',
    'npx serverless',
    'npm run',
  ]);
  const dir = copyOfRepository();
  copy = dir;
  const outputs: string[] = [];
  for (const [index, block] of blocks.entries()) {
    const result = await runProcess('bash', [
      '-e',
      '-o',
      'pipefail',
      '-c',
      `cd "${dir}"\n${block}`,
    ]);
    outputs.push(result.output);
    if (result.code !== 0)
      throw new Error(`the guide's offline block ${index + 1} failed:\n${block}\n${result.output}`);
    if (index === 0) {
      // Step 2's edit: each CHANGE-ME, and the example CP codes their comments mark.
      const file = join(dir, 'config', 'prod.yml');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('CHANGE-ME');
      writeFileSync(file, text.replaceAll('CHANGE-ME', 'acme').replaceAll('424242', '987654'));
    }
  }
  // Step 5, `npm start -- --stage prod`: it runs until Ctrl-C, so until its first eStats run.
  const text = readFileSync(GUIDE, 'utf8');
  const [longRunning] = offlineBlocks(text, LONG_RUNNING_MARK);
  expect(longRunning?.trim()).toBe('npm start -- --stage prod');
  expect(text.indexOf(LONG_RUNNING_MARK)).toBeGreaterThan(text.lastIndexOf(MARK));
  const started = await untilFirstRun(dir, longRunning ?? '');
  expect(started).toMatch(/estats\s+1\/1 targets, \d+ series pushed/);
  expect(started).toContain('stopped; nothing left running');
  // What each step promises.
  expect(outputs[1]).toMatch(/API client/);
  expect(outputs[1]).toMatch(/Estimated monthly cost[\s\S]*total/);
  expect(outputs[1]).toContain('Service packaged');
  expect(existsSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'))).toBe(
    true,
  );
  expect(readFileSync(join(dir, '.tmp', 'prod-alerting', 'rules.yml'), 'utf8')).toContain(
    'groups:',
  );
  expect(readFileSync(join(dir, '.tmp', 'prod-pushgateway-job.yml'), 'utf8')).toContain(
    'pushgateway.acme.internal:9091',
  );
});
