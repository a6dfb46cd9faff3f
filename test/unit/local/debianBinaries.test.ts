import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_BINARIES, findBinary, PUSHGATEWAY } from '../../../dev/debianBinaries';
import { REPO_ROOT } from '../../helpers/runProcess';

/** A folder holding an executable of each of these names, for a PATH of its own. */
function pathWith(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'bin-'));
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('finding the real binaries', () => {
  it("finds the Debian name first, then Homebrew's and the release archives'", () => {
    const path = (names: string[]) => ({ PATH: pathWith(names) });
    expect(findBinary(PUSHGATEWAY, path(['prometheus-pushgateway', 'pushgateway']))).toBe(
      'prometheus-pushgateway',
    );
    expect(findBinary(PUSHGATEWAY, path(['pushgateway']))).toBe('pushgateway');
    expect(findBinary(PUSHGATEWAY, path([]))).toBeUndefined();
  });

  it('takes the path its variable names, and refuses one that is not executable', () => {
    const dir = pathWith(['my-pushgateway']);
    expect(findBinary(PUSHGATEWAY, { PUSHGATEWAY_BIN: join(dir, 'my-pushgateway') })).toBe(
      join(dir, 'my-pushgateway'),
    );
    expect(() => findBinary(PUSHGATEWAY, { PUSHGATEWAY_BIN: join(dir, 'nothing') })).toThrow(
      /PUSHGATEWAY_BIN=.*nothing is not an executable file/,
    );
  });

  it('documents every variable and other name in the reference (docs/reference/binaries.md)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'docs', 'reference', 'binaries.md'), 'utf8');
    for (const tool of ALL_BINARIES)
      for (const name of [tool.env, tool.debianPackage, ...(tool.otherNames ?? [])])
        expect([tool.binary, readme.includes(`\`${name}\``)]).toEqual([tool.binary, true]);
  });
});
