/**
 * Plugins: a folder or npm package with a `smallcode-plugin.json` manifest contributing skills,
 * MarrowScript layers, MCP servers, tools and slash commands (README.md here, docs/extensions.md).
 */
export { contributionsOf, describeContributions, manifestSchema, MANIFEST_FILE, readManifest } from './manifest.js';
export type { PluginContributions, PluginManifest } from './manifest.js';
export { installPlugin, isLocalSpec, listInstalled, packageNameOf, pluginsDir, PluginError, removePlugin, setPluginEnabled } from './store.js';
export type { InstalledPlugin, InstallResult } from './store.js';
export { emptyPluginSet, loadPlugins, pluginTool } from './load.js';
export type { LoadedPlugin, PluginCommand, PluginCommandContext, PluginSet } from './load.js';
export { installedListing, installSummary } from './describe.js';
