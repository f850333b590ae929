import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './helpers.js';

// What a publish needs in every public package (issue 12): the licence text itself, and the fields
// npm shows on a package's page. The repository URL is where the project will be published.
interface PackageJson {
  name: string;
  private?: boolean;
  license?: string;
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
  engines?: { node?: string };
  files?: string[];
}

const REPOSITORY = 'git+https://github.com/kspan-dev/kspan.git';
const LICENSE = readFileSync(join(REPO, 'LICENSE'), 'utf8');

const publicPackages = readdirSync(join(REPO, 'packages'))
  .map((dir) => ({
    dir,
    pkg: JSON.parse(
      readFileSync(join(REPO, 'packages', dir, 'package.json'), 'utf8'),
    ) as PackageJson,
  }))
  .filter((p) => !p.pkg.private);

describe('publishing metadata of the public packages', () => {
  it('the root LICENSE is Apache-2.0 with our copyright line', () => {
    expect(LICENSE.split('\n')[0]).to.equal('Copyright 2026 The kspan authors');
    expect(LICENSE).to.match(/^\s+Apache License\n\s+Version 2\.0, January 2004$/m);
    expect(LICENSE).to.include('END OF TERMS AND CONDITIONS');
  });

  it('there are public packages to check', () => {
    expect(publicPackages.map((p) => p.pkg.name)).to.include.members(['kspan', '@kspan/core']);
  });

  for (const { dir, pkg } of publicPackages) {
    it(`${pkg.name}: license, repository, homepage, bugs, engines, files and its LICENSE copy`, () => {
      expect(pkg.license).to.equal('Apache-2.0');
      expect(pkg.repository).to.deep.equal({
        type: 'git',
        url: REPOSITORY,
        directory: `packages/${dir}`,
      });
      expect(pkg.homepage).to.equal(
        `https://github.com/kspan-dev/kspan/tree/main/packages/${dir}#readme`,
      );
      expect(pkg.bugs).to.deep.equal({ url: 'https://github.com/kspan-dev/kspan/issues' });
      expect(pkg.engines?.node).to.match(/^>=\d+/);
      expect(pkg.files).to.include.members(['dist', 'README.md', 'CHANGELOG.md', 'LICENSE']);
      // npm packs the package directory only: each package carries the root's text, unchanged
      expect(readFileSync(join(REPO, 'packages', dir, 'LICENSE'), 'utf8')).to.equal(LICENSE);
    });
  }
});
