import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedHeader } from './markdown';

export const CLI_REFERENCE_FILE = 'docs/reference/cli.md';

/** The npm scripts that run one of our command-line tools: `tsx <file>` and nothing more. */
function commands(root: string): Array<{ name: string; file: string }> {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return Object.entries(scripts).flatMap(([name, line]) => {
    const file = /^tsx ([\w/.-]+\.ts)$/.exec(line)?.[1];
    return file && name !== 'test' ? [{ name, file }] : [];
  });
}

/** docs/reference/cli.md: each tool's `--help`, as it prints it. */
export function renderCliReference(root: string): string {
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const lines = [
    generatedHeader("each tool's --help"),
    '',
    '# Command-line tools',
    '',
    'Every tool runs as an npm script; options follow a `--` (`npm start -- --speed 1`).',
    '`npm test` passes its arguments to jest (`npm test -- test/unit`).',
    '',
  ];
  for (const { name, file } of commands(root)) {
    const help = execFileSync(tsx, [file, '--help'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    lines.push(
      `## \`npm ${name === 'start' ? 'start' : `run ${name}`}\``,
      '',
      `\`${file}\``,
      '',
      '```text',
      help.trimEnd(),
      '```',
      '',
    );
  }
  return lines.join('\n');
}
