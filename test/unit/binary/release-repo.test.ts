// The one place the release repository is named: both install scripts default to the same
// owner/name (overridable with SMALLCODE_INSTALL_REPO), and the release workflow replaces exactly
// that name with the publishing repository in the scripts it attaches to a release.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/run-cli.js';

const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');

describe('the release repository', () => {
  it('install.sh and install.ps1 default to the same repository and honour SMALLCODE_INSTALL_REPO', () => {
    const sh = /^REPO="\$\{SMALLCODE_INSTALL_REPO:-([\w.-]+\/[\w.-]+)\}"$/m.exec(read('install.sh'))?.[1];
    const ps = /^\$Repo = if \(\$env:SMALLCODE_INSTALL_REPO\) \{ \$env:SMALLCODE_INSTALL_REPO \} else \{ '([\w.-]+\/[\w.-]+)' \}$/m.exec(read('install.ps1'))?.[1];
    expect(sh).toBeDefined();
    expect(ps).toBe(sh);
  });

  it('the release workflow writes its own repository into both published scripts', () => {
    const name = /REPO="\$\{SMALLCODE_INSTALL_REPO:-([^}]+)\}"/.exec(read('install.sh'))![1]!;
    const workflow = read('.github/workflows/release.yml');
    for (const script of ['install.sh', 'install.ps1']) {
      expect(workflow).toContain(`sed "s#${name}#$GITHUB_REPOSITORY#g" ../${script} > ${script}`);
    }
    // The docs and README name the same placeholder, nothing else.
    for (const doc of ['docs/install.md', 'README.md']) {
      const named = [...read(doc).matchAll(/github\.com\/([\w.-]+\/[\w.-]+)\/releases/g)].map((m) => m[1]);
      expect(new Set(named)).toEqual(new Set([name]));
    }
  });
});
