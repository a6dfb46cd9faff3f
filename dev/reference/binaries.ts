import { ALL_BINARIES } from '../debianBinaries';
import { code, generatedHeader, table } from './markdown';

export const BINARIES_REFERENCE_FILE = 'docs/reference/binaries.md';

/** docs/reference/binaries.md: every real program the tests and `npm start` run, and where from. */
export function renderBinariesReference(): string {
  return [
    generatedHeader('dev/debianBinaries.ts'),
    '',
    '# Real programs',
    '',
    '`npm start`, `npm test` and `npm run bench` run the real programs, never stand-ins of',
    "them: they install Debian's packages when one is missing and the run is root on Debian or",
    'Ubuntu. Elsewhere install them yourself: each is also found under the names Homebrew and',
    'the upstream release archives give it, or at the path its variable names (which wins).',
    '',
    ...table(
      ['program', 'Debian package', 'also found as', 'or set'],
      ALL_BINARIES.map((tool) => [
        tool.file ? tool.binary : code(tool.binary),
        code(tool.debianPackage),
        (tool.otherNames ?? []).map(code).join(', ') || '—',
        code(tool.env),
      ]),
    ),
    '',
  ].join('\n');
}
