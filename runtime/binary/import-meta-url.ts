import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { binaryPackageRoot } from './assets.js';

/**
 * Injected into the single-file bundle (esbuild `inject`, with `import.meta.url` defined as this
 * export): every module's `import.meta.url` names a file inside the unpacked package root, so
 * `packageRoot()` finds agents/ and templates/ there and `createRequire(import.meta.url)` finds
 * the packages carried beside the bundle (better-sqlite3, ripgrep, yaml, highlight.js).
 */
export const importMetaUrl = pathToFileURL(join(binaryPackageRoot() ?? join(__dirname, '..'), 'dist', 'smallcode.cjs')).href;
