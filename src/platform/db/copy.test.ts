import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../testing/test-db.ts';
import { sql } from 'kysely';
import { copyField, copyRows, parseTextArray } from './copy.ts';

let h: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(async () => h?.close());

describe('copyRows: bulk reads through COPY on PGlite, plain rows on PostgreSQL', () => {
  it('returns the same text fields on both, with NULLs, escapes, arrays and JSON intact', async () => {
    await sql`create table copy_probe (id int, t text, n bigint, d date, tags text[], j jsonb)`.execute(h.db);
    await sql`insert into copy_probe values
      (1, e'tab\\there\\nnew line \\\\ back', 12345678901, '2026-11-24', array['小微企业', 'a b', 'q"uote', 'c,omma', 'back\\slash'], '{"k": "v\\u0001"}'),
      (2, null, null, null, '{}', '{}')`.execute(h.db);
    const rows = await copyRows(h.db, 'select id::text, t, n::text, d::text, tags::text, j::text from copy_probe order by id');
    expect(rows).toHaveLength(2);
    const [a, b] = rows;
    expect(a![1]).toBe('tab\there\nnew line \\ back');
    expect(a![2]).toBe('12345678901');
    expect(a![3]).toBe('2026-11-24');
    expect(parseTextArray(a![4]!)).toEqual(['小微企业', 'a b', 'q"uote', 'c,omma', 'back\\slash']);
    expect(JSON.parse(a![5]!)).toEqual({ k: 'v\u0001' });
    expect(b).toEqual(['2', null, null, null, '{}', '{}']);
  });

  it('parses COPY fields and array literals', () => {
    expect(copyField('\\N')).toBeNull();
    expect(copyField('a\\\\b\\tc')).toBe('a\\b\tc');
    expect(parseTextArray('{}')).toEqual([]);
    expect(parseTextArray('{x,NULL,"NULL",y}')).toEqual(['x', 'NULL', 'y']);
  });
});
