import { describe, expect, it } from 'vitest';
import { loadSqlite, loadSqliteOrWarn, resetSqliteNotice, sqliteFallbackNotice } from '../../../runtime/store/sqlite.js';

describe('loadSqlite', () => {
  it('loads the installed better-sqlite3 without a word', () => {
    const warnings: string[] = [];
    const Database = loadSqliteOrWarn({ warn: (m) => warnings.push(m) });
    expect(Database).toBeTypeOf('function');
    const db = new Database!(':memory:');
    expect(db.prepare('select 1 + 1 as two').get()).toEqual({ two: 2 });
    db.close();
    expect(warnings).toEqual([]);
  });

  it('says once per process that it falls back, with the first line of the reason', () => {
    resetSqliteNotice();
    const warnings: string[] = [];
    const broken = () => {
      throw new Error("Cannot find module 'better-sqlite3'\nRequire stack:\n- /somewhere/dist/cli.js");
    };
    expect(loadSqliteOrWarn({ warn: (m) => warnings.push(m), load: broken })).toBeUndefined();
    expect(loadSqliteOrWarn({ warn: (m) => warnings.push(m), load: broken })).toBeUndefined();
    expect(warnings).toEqual([sqliteFallbackNotice("Cannot find module 'better-sqlite3'")]);
    expect(warnings[0]).toMatch(/^smallcode: better-sqlite3 is unavailable \(Cannot find module 'better-sqlite3'\); using JSON files instead/);
    expect(warnings[0]).not.toContain('Require stack');
  });

  it('does not announce anything when a forced loader works', () => {
    resetSqliteNotice();
    const warnings: string[] = [];
    const real = loadSqlite() as Exclude<ReturnType<typeof loadSqlite>, Error>;
    expect(loadSqliteOrWarn({ warn: (m) => warnings.push(m), load: () => real })).toBe(real);
    expect(warnings).toEqual([]);
  });
});
