/** The text `/plugin` and `smallcode plugin` print: the same words in the terminal and the shell. */
import { contributionsOf, describeContributions, readManifest } from './manifest.js';
import type { InstalledPlugin, InstallResult } from './store.js';

/** What an install brought and what enabling it means. */
export function installSummary(result: InstallResult): string {
  const { manifest, plugin } = result;
  const head = `${result.replaced ? 'Replaced' : 'Installed'} plugin ${manifest.name}${manifest.version ? ` ${manifest.version}` : ''} (${plugin.kind === 'local' ? 'copied from' : 'npm'} ${plugin.source})${manifest.description ? `: ${manifest.description}` : ''}`;
  return [head, 'It contributes:', ...describeContributions(result.contributions).map((l) => `  ${l}`)].join('\n');
}

/** One block per installed plugin: name, state, source, what it contributes (or why it cannot load). */
export function installedListing(plugins: InstalledPlugin[]): string {
  if (plugins.length === 0) return 'No plugins installed. Install one with /plugin install <npm name | folder> (smallcode plugin install in the shell).';
  return plugins
    .map((p) => {
      const manifest = readManifest(p.dir);
      const head = `${p.name} ${p.enabled ? 'enabled' : 'disabled'} · ${p.kind} ${p.source}`;
      if ('error' in manifest) return `${head}\n    broken: ${manifest.error}`;
      return [head, ...describeContributions(contributionsOf(p.dir, manifest)).map((l) => `    ${l}`)].join('\n');
    })
    .join('\n');
}
