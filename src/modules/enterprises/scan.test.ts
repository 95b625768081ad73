import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../platform/testing/test-db.ts';
import { allEnterpriseRecords, scanEnterpriseRecords } from './store.ts';

let h: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(async () => h?.close());

describe('scanEnterpriseRecords (bulk load for the matching columns)', () => {
  it('gives exactly the records the row-by-row reader gives, custom attributes and odd text included', async () => {
    const [first] = await h.db.selectFrom('enterprises').select('uscc').orderBy('uscc').limit(1).execute();
    await h.db
      .updateTable('enterprises')
      .set({ address: 'tab\there, "quoted" \\ back\nline', tags: ['a b', 'c,d', '专精特新'], attrs: JSON.stringify({ patents: 12, zone: '临港' }), employees: null })
      .where('uscc', '=', first!.uscc)
      .execute();
    const slow = new Map<string, unknown>();
    for await (const r of allEnterpriseRecords(h.db)) slow.set(r.uscc, r.record);
    const fast = new Map<string, unknown>();
    for await (const r of scanEnterpriseRecords(h.db, 7)) fast.set(r.uscc, r.record);
    expect(fast.size).toBe(slow.size);
    expect(slow.size).toBeGreaterThan(1000);
    for (const [uscc, rec] of slow) expect(fast.get(uscc), uscc).toEqual(rec);
    expect(fast.get(first!.uscc)).toMatchObject({ address: 'tab\there, "quoted" \\ back\nline', tags: ['a b', 'c,d', '专精特新'], patents: 12, zone: '临港', employees: null });
    // Only some attributes (what the matching columns need): those and the USCC, nothing else.
    const only = new Set(['employees', 'tags', 'zone']);
    for await (const r of scanEnterpriseRecords(h.db, 7, only)) {
      const full = slow.get(r.uscc) as Record<string, unknown>;
      const want: Record<string, unknown> = { uscc: r.uscc, employees: full.employees, tags: full.tags };
      if ('zone' in full) want.zone = full.zone;
      expect(r.record).toEqual(want);
    }
  });
});
