import { describe, expect, it } from 'vitest';
import { userConfigDir, userDataDir } from '../../../runtime/config/paths.js';
import * as store from '../../../runtime/store/data-dir.js';

describe('the user folders', () => {
  it("data: the override, then each platform's convention", () => {
    expect(userDataDir({ SMALLCODE_DATA_DIR: '/d', HOME: '/h' }, 'linux')).toBe('/d');
    expect(userDataDir({ HOME: '/h' }, 'linux')).toBe('/h/.local/share/smallcode');
    expect(userDataDir({ HOME: '/h', XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/smallcode');
    expect(userDataDir({ HOME: '/h' }, 'darwin')).toBe('/h/Library/Application Support/smallcode');
    expect(userDataDir({ HOME: '/h', LOCALAPPDATA: '/l' }, 'win32')).toMatch(/^[/\\]l[/\\]smallcode$/);
  });

  it('config: the override, then XDG, then ~/.config', () => {
    expect(userConfigDir({ SMALLCODE_CONFIG_DIR: '/c', HOME: '/h' })).toBe('/c');
    expect(userConfigDir({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/smallcode');
    expect(userConfigDir({ HOME: '/h' })).toBe('/h/.config/smallcode');
  });

  it("the store's data-dir module is the same function", () => {
    expect(store.userDataDir).toBe(userDataDir);
    expect(store.userConfigDir).toBe(userConfigDir);
  });
});
