/** The store's data directory: defined with the other user folders in runtime/config/paths.ts. */
export { userDataDir, userConfigDir } from '../config/paths.js';
