/**
 * What makes a lockfile complete for every platform: npm writes the optional packages of other
 * platforms (esbuild's, rollup's, ripgrep's per-platform binaries) only when it resolved them
 * itself, and a lockfile made on one machine that lacks them makes `npm ci` fail elsewhere.
 */
export interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, { optionalDependencies?: Record<string, string>; dependencies?: Record<string, string> }>;
}

/**
 * Optional dependencies no locked package can reach, as `<dependent> → <name>`: Node's module
 * resolution from the dependent's folder (its own node_modules, then each enclosing one, then the
 * root) finds no entry for the name.
 */
export function unresolvedOptionalDependencies(lock: Lockfile): string[] {
  if (lock.lockfileVersion < 2) throw new Error(`lockfileVersion ${lock.lockfileVersion}: only the "packages" layout (version 2 or 3) can be checked`);
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      if (!resolves(lock, path, name)) missing.push(`${path || '(root)'} → ${name}`);
    }
  }
  return missing;
}

function resolves(lock: Lockfile, from: string, name: string): boolean {
  let dir = from;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at === -1 ? '' : dir.slice(0, at);
  }
}
