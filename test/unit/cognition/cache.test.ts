import { describe, expect, it } from 'vitest';
import { openPersistentCache } from '../../../runtime/cognition/index.js';
import { resetSqliteNotice } from '../../../runtime/store/sqlite.js';
import { tempDir } from './helpers.js';

describe('persistent cognition cache', () => {
  it('keeps entries in SQLite across instances and honours the TTL', () => {
    const dir = tempDir();
    let now = 5_000;
    const first = openPersistentCache({ dir, clock: () => now });
    expect(first.kind).toBe('sqlite');
    first.set('k', { category: 'other' }, 1_000);
    first.close?.();
    const second = openPersistentCache({ dir, clock: () => now });
    expect(second.get('k')).toEqual({ category: 'other' });
    now += 1_000;
    expect(second.get('k')).toBeUndefined();
    second.close?.();
  });

  it('falls back to a JSON file when better-sqlite3 cannot load, and says so once', () => {
    resetSqliteNotice();
    const dir = tempDir();
    const warnings: string[] = [];
    const broken = () => { throw new Error('Could not locate the bindings file'); };
    const a = openPersistentCache({ dir, warn: (m) => warnings.push(m), loadSqlite: broken });
    expect(a.kind).toBe('json');
    a.set('k', 'coding', 60_000);
    const b = openPersistentCache({ dir, warn: (m) => warnings.push(m), loadSqlite: broken });
    expect(b.get('k')).toBe('coding');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('JSON file');
  });
});
