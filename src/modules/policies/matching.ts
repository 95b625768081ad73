import { sql } from 'kysely';
import { createColumnStore, detachString, rowRecord, setRecord, type Catalog, type ColumnStore, type JsonValue } from '../../core/rules/index.ts';
import { changeCounter } from '../../platform/changes.ts';
import type { Executor } from '../../platform/db/schema.ts';
import { findEnterprise, PER_ENTERPRISE_TEXT, rowToFlat, rulesCatalog, scanEnterpriseRecords } from '../enterprises/index.ts';
import { preparePolicies, type PolicySet } from './policy-set.ts';
import { activePolicies } from './queries.ts';
import { shanghaiDate } from '../../platform/clock.ts';

/**
 * The matching service (P-4, issue 5 item 5): the active policies kept compiled
 * and every enterprise kept in memory as typed-array columns (src/core/rules
 * columns: ~200 bytes per enterprise, so 3.3 M fit in well under 1 GB), so a
 * 政策体检 needs no database round trip for the enterprise or the policies.
 *
 * It follows the database, it does not lead it: the source of truth stays in
 * PostgreSQL. Changes are picked up from the enterprise change log
 * (`enterprise_changes.id` is the cursor; every registry write goes through
 * it), from a bulk-seed generation counter, and from a fingerprint of the
 * published policy set and the attribute catalog — all read in ONE query, at
 * most every `maxStaleMs` (default 1 s) and in the background (a request is
 * answered from the snapshot it has meanwhile), so writes by another process
 * (the CLI) show within about a second, and writes by this process at once
 * (`invalidate`, or the in-process change counters: those requests wait).
 *
 * The columns hold every catalog attribute except the per-enterprise text (USCC, name, legal
 * representative, address: unique per row, most of the memory) unless a rule reads it — an
 * active policy (checked on every policy change) or a 试算 (`withAttributes`). Reading one
 * that is not loaded reloads all enterprises with it.
 */
export interface MatchingSnapshot extends PolicySet {
  store: ColumnStore;
}

interface Fingerprint {
  cursor: number;
  bulk: string;
  policies: string;
  catalog: string;
}

const FINGERPRINT = sql<{ cursor: string | number | null; bulk: unknown; pn: string | number; pat: Date | string | null; pv: string | number | null; cn: string | number; cat: Date | string | null }>`
  select
    (select max(id) from enterprise_changes) as cursor,
    (select value from settings where key = 'enterprises.bulk_generation') as bulk,
    (select count(*) from policies where status = 'published') as pn,
    (select max(updated_at) from policies) as pat,
    (select sum(published_version) from policies where status = 'published') as pv,
    (select count(*) from enterprise_attributes) as cn,
    (select max(created_at) from enterprise_attributes) as cat`;

export interface BackgroundLog {
  warn(obj: { err: unknown }, msg: string): void;
}

const iso = (d: Date | string | null): string => (d === null ? '' : new Date(d).toISOString());

export class MatchingService {
  private snap: MatchingSnapshot | null = null;
  private fp: Fingerprint | null = null;
  private rowOf = new Map<string, number>();
  private checkedAt = 0;
  private dirty = true;
  private seen = '';
  private syncing: Promise<MatchingSnapshot> | null = null;
  /** Per-enterprise text attributes asked for by a 试算: loaded from the next reload on. */
  private asked = new Set<string>();
  private reload = false;

  constructor(
    private readonly db: Executor,
    private readonly opts: { maxStaleMs?: number; today?: () => string } = {},
  ) {}

  private log: BackgroundLog | null = null;

  /** Where a failed background check is reported (the server's logger). */
  reportTo(log: BackgroundLog): void {
    this.log = log;
  }

  /** Called by writers in this process: the next read re-checks the database first. */
  invalidate(): void {
    this.dirty = true;
  }

  private todayAt = 0;
  private todayIs = '';

  /** Today in Asia/Shanghai (worked out at most once a second: it is asked on every request). */
  private today(): string {
    if (this.opts.today) return this.opts.today();
    const now = Date.now();
    if (now - this.todayAt >= 1000) {
      this.todayIs = shanghaiDate(now);
      this.todayAt = now;
    }
    return this.todayIs;
  }

  /** The current snapshot, synchronised with the database when it may be stale. */
  async snapshot(): Promise<MatchingSnapshot> {
    // Writers in this process bump these after commit: re-read at once instead of within maxStaleMs.
    const counters = `${changeCounter('enterprises')}|${changeCounter('policies')}|${changeCounter('attributes')}`;
    if (counters !== this.seen) {
      this.seen = counters;
      this.dirty = true;
    }
    const snap = this.snap;
    if (!this.dirty && snap && snap.today === this.today()) {
      // Stale-while-revalidate: the periodic check for other processes' writes runs in the
      // background, so no request waits for it (under load that wait was the latency tail).
      if (Date.now() - this.checkedAt >= (this.opts.maxStaleMs ?? 1000)) {
        // Nobody awaits it: a failure is reported here, and the next request tries again.
        this.startSync().catch((err: unknown) => this.log?.warn({ err }, '匹配服务后台同步失败，下次请求时重试'));
      }
      return snap;
    }
    return this.startSync();
  }

  /** One sync at a time; concurrent callers share it. */
  private startSync(): Promise<MatchingSnapshot> {
    // Written to since the running sync began (it cleared `dirty`): that one may not see the
    // write, so read again after it — a request sees its own process's writes.
    if (this.syncing && this.dirty) return this.syncing.then(() => this.snapshot(), () => this.snapshot());
    this.syncing ??= this.sync().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async sync(): Promise<MatchingSnapshot> {
    this.dirty = false;
    const r = (await FINGERPRINT.execute(this.db)).rows[0]!;
    this.checkedAt = Date.now();
    const fp: Fingerprint = {
      cursor: Number(r.cursor ?? 0),
      bulk: JSON.stringify(r.bulk ?? null),
      policies: `${r.pn}|${iso(r.pat)}|${r.pv ?? 0}`,
      catalog: `${r.cn}|${iso(r.cat)}`,
    };
    const today = this.today();
    const prev = this.fp;
    let snap = this.snap;
    if (!snap || !prev || prev.catalog !== fp.catalog || prev.bulk !== fp.bulk || this.reload) {
      snap = await this.loadAll(today);
    } else {
      if (fp.cursor > prev.cursor) {
        const changed = await this.db.selectFrom('enterprise_changes').select('uscc').distinct().where('id', '>', prev.cursor).where('id', '<=', fp.cursor).execute();
        for (const { uscc } of changed) {
          if (!(await this.refreshOne(snap, uscc))) {
            snap = await this.loadAll(today); // out of room: rebuild with more capacity
            break;
          }
        }
      }
      if (prev.policies !== fp.policies || snap.today !== today) {
        const set = await this.compile(snap.catalog, today);
        // A policy now reads an attribute the columns do not hold: load them again with it.
        snap = set.reads.some((a) => this.missing(snap!.store, snap!.catalog, a)) ? await this.loadAll(today, set) : { ...set, store: snap.store };
      }
    }
    this.fp = fp;
    this.snap = snap;
    return snap;
  }

  private async compile(catalog: Catalog, today: string): Promise<PolicySet> {
    return preparePolicies(await activePolicies(this.db), catalog, today);
  }

  /** Whether attribute `a` is in the catalog but not in the columns. */
  private missing(store: ColumnStore, catalog: Catalog, a: string): boolean {
    return Object.hasOwn(catalog, a) && !store.columns.has(a);
  }

  private async loadAll(today: string, compiled?: PolicySet): Promise<MatchingSnapshot> {
    this.reload = false;
    const catalog = compiled ? compiled.catalog : await rulesCatalog(this.db);
    const set = compiled ?? (await this.compile(catalog, today));
    const read = new Set([...set.reads, ...this.asked]);
    const only = new Set(Object.keys(catalog).filter((a) => !PER_ENTERPRISE_TEXT.has(a) || read.has(a)));
    const count = Number((await sql<{ n: string | number }>`select count(*) as n from enterprises`.execute(this.db)).rows[0]!.n);
    // Head-room for enterprises registered while we run; past it the store is rebuilt.
    const store = createColumnStore(catalog, Math.ceil(count * 1.1) + 1024, only);
    const rowOf = new Map<string, number>();
    // Physical-order scan (COPY on PGlite); the change-log cursor was read before it, so
    // rows changed meanwhile are re-read by the next sync. A row seen twice keeps one slot.
    for await (const { uscc, record } of scanEnterpriseRecords(this.db, undefined, only)) {
      let row = rowOf.get(uscc);
      if (row === undefined) {
        row = rowOf.size;
        if (row >= store.capacity) break; // grew past the head-room while loading: the next sync rebuilds
        rowOf.set(detachString(uscc), row); // not a slice of the COPY chunk
      }
      setRecord(store, row, record);
    }
    store.rows = rowOf.size;
    this.rowOf = rowOf;
    return { ...set, store };
  }

  /**
   * The snapshot with these attributes in its columns (试算 of a draft that reads, say, the
   * address): a per-enterprise text attribute not loaded yet makes this call reload them all.
   */
  async withAttributes(names: readonly string[]): Promise<MatchingSnapshot> {
    const snap = await this.snapshot();
    const lacking = names.filter((a) => this.missing(snap.store, snap.catalog, a));
    if (lacking.length === 0) return snap;
    for (const a of lacking) this.asked.add(a);
    this.reload = true;
    this.dirty = true;
    return this.snapshot();
  }

  /** Re-reads one enterprise into the store; false when the store has no room for a new one. */
  private async refreshOne(snap: MatchingSnapshot, uscc: string): Promise<boolean> {
    const row = await findEnterprise(this.db, uscc);
    if (!row) return true;
    let at = this.rowOf.get(uscc);
    if (at === undefined) {
      if (snap.store.rows >= snap.store.capacity) return false;
      at = snap.store.rows;
      this.rowOf.set(uscc, at);
    }
    setRecord(snap.store, at, rowToFlat(row));
    return true;
  }

  /** One enterprise's attributes as the rules see them (`only`: just these), or null when it is not registered. */
  async record(uscc: string, only?: (snap: MatchingSnapshot) => readonly string[]): Promise<{ snap: MatchingSnapshot; record: Record<string, JsonValue> } | null> {
    let snap = await this.snapshot();
    let row = this.rowOf.get(uscc);
    if (row === undefined) {
      // Registered since the last sync (e.g. by another process)? Look once.
      this.invalidate();
      snap = await this.snapshot();
      row = this.rowOf.get(uscc);
      if (row === undefined) return null;
    }
    return { snap, record: rowRecord(snap.store, row, only?.(snap)) };
  }

  get size(): number {
    return this.rowOf.size;
  }

  /** Bytes held by the column store's typed arrays (outside the JS heap). */
  bufferBytes(): number {
    let n = 0;
    for (const c of this.snap?.store.columns.values() ?? []) {
      n += c.missing.byteLength;
      if (c.kind === 'f64' || c.kind === 'date') n += c.values.byteLength;
      else if (c.kind === 'dict') n += c.codes.byteLength;
      else n += c.bits.byteLength;
    }
    return n;
  }
}

// One service per database handle: the server, each test app and the CLI each get their own.
const services = new WeakMap<object, MatchingService>();

export function matchingService(db: Executor): MatchingService {
  let s = services.get(db);
  if (!s) {
    s = new MatchingService(db);
    services.set(db, s);
  }
  return s;
}
