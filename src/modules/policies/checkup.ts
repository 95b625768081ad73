import { jsonPiece, type BenefitResult, type CompactExplanation, type ExplainNode, type JsonPiece, type JsonSink, type NearMiss, type PolicySetExplainer, type Triage } from '../../core/rules/index.ts';
import type { PolicyContent } from './domain/content.ts';
import type { PolicySet } from './policy-set.ts';

export interface CheckupItem {
  policyId: number;
  version: number;
  title: string;
  mode: string;
  category: string;
  applyTo: string | null;
  /**
   * Why: the outcome, what to confirm (`missing`), the near misses (what value would
   * qualify), and each condition's wording and outcome (`conditions`, for eligible and
   * unknown items). With `detail=full` the whole explanation tree as well.
   */
  explanation: Omit<CompactExplanation, 'id'> & { tree?: ExplainNode; nearMisses: NearMiss[] };
  benefit?: BenefitResult;
}

export interface Checkup {
  eligible: CheckupItem[];
  /** Nearest first (fewest changes, then the newest policy); at most `nearMissLimit` of them. */
  nearMiss: CheckupItem[];
  unknown: CheckupItem[];
  /** How many there are in each list before any limit. */
  totals: { eligible: number; nearMiss: number; unknown: number };
}

/** Near misses listed by default: the nearest ones; `nearMissLimit` asks for more (or all). */
export const DEFAULT_NEAR_MISS_LIMIT = 10;

/**
 * 政策体检 (P-4): every active policy for one enterprise — eligible, near
 * misses (what value would qualify) and unknown (what to confirm), each with
 * its explanation and the version it used. Pure over the matching service's
 * snapshot: no database work per request.
 *
 * Why a limit on near misses: with "one or two conditions failing" most policies are a near
 * miss for most enterprises (≈ 140 of 200 in the benchmark population), and an enterprise
 * wants the nearest ones first. All of them are still counted (`totals`) and can be asked for;
 * a first pass (triage) finds and ranks them without building their explanations.
 */
export function policyCheckup(snap: PolicySet, record: Record<string, unknown>, opts: { detail?: 'full'; nearMissLimit?: number } = {}): Checkup {
  const ex = snap.explainer;
  const { t, eligible, unknown, near, shown } = triage(snap, record, opts.nearMissLimit);
  const trees = opts.detail === 'full' ? new Map(ex.explainAll(record).map((e) => [e.id, e.tree])) : null;
  const item = (i: number, conditions: boolean): CheckupItem => {
    const p = snap.policies[i]!;
    const c: PolicyContent = p.content;
    const { id: _id, ...explanation } = ex.compactAt(t, i, { conditions });
    const it: CheckupItem = { policyId: p.id, version: p.version, title: p.title, mode: c.mode, category: c.category, applyTo: c.applyTo, explanation };
    if (trees) it.explanation.tree = trees.get(String(p.id))!;
    const benefit = snap.benefits[i];
    if (conditions && t.status[i] === 2 && benefit) it.benefit = benefit(record);
    return it;
  };
  return {
    eligible: eligible.map((i) => item(i, true)),
    nearMiss: shown.map((i) => item(i, false)),
    unknown: unknown.map((i) => item(i, true)),
    totals: { eligible: eligible.length, nearMiss: near.length, unknown: unknown.length },
  };
}

/**
 * The same answer as `JSON.stringify(policyCheckup(…))` (without `detail`), as UTF-8 bytes
 * put together from pieces that do not change between enterprises: each policy's head (id,
 * version, title …) once per snapshot, and explanations cached by the conditions' truth in
 * the rules engine, each encoded once. Only near misses and amounts, which quote the
 * enterprise's own values, are encoded per request. This is the 政策体检 hot path (SPEC §9:
 * p99 ≤ 25 ms under 100 clients); a test compares it with the object form for every demo
 * enterprise.
 */
export function policyCheckupBytes(snap: PolicySet, record: Record<string, unknown>, opts: { nearMissLimit?: number } = {}): Buffer {
  const { t, eligible, unknown, near, shown } = triage(snap, record, opts.nearMissLimit);
  const out = new ByteWriter();
  out.piece(ELIGIBLE);
  writeItems(out, snap, record, t, eligible, true);
  out.piece(NEAR);
  writeItems(out, snap, record, t, shown, false);
  out.piece(UNKNOWN);
  writeItems(out, snap, record, t, unknown, true);
  out.text(`],"totals":{"eligible":${eligible.length},"nearMiss":${near.length},"unknown":${unknown.length}}}`);
  return out.done();
}

const SLAB_BYTES = 256 * 1024;

/**
 * The response's bytes, written straight into a shared slab (as Node's own Buffer pool does
 * for small buffers): pieces are copied in, text is encoded in place, and the answer is a view
 * of the slab, so a response costs no allocation of its own. A slab is freed when the last
 * response cut from it is; one that runs out is replaced (what is written moves along).
 */
class ByteWriter implements JsonSink {
  private static slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private static used = 0;
  private buf = ByteWriter.slab;
  private start = ByteWriter.used;
  private at = this.start;

  piece(p: JsonPiece): void {
    const b = p.b;
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  text(s: string): void {
    const n = s.length;
    this.room(n * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const buf = this.buf;
    const at = this.at;
    if (n <= 64) {
      // Short text (numbers, amounts, a value quoted in a near miss) is mostly ASCII: copied
      // here without a call into the encoder; the first other character hands it over.
      let k = 0;
      while (k < n) {
        const c = s.charCodeAt(k);
        if (c >= 0x80) break;
        buf[at + k] = c;
        k++;
      }
      if (k === n) {
        this.at = at + n;
        return;
      }
    }
    this.at = at + buf.write(s, at);
  }

  done(): Buffer {
    const out = this.buf.subarray(this.start, this.at);
    if (this.buf === ByteWriter.slab) ByteWriter.used = (this.at + 7) & ~7;
    return out;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const len = this.at - this.start;
    const fresh = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, (len + n) * 2));
    this.buf.copy(fresh, 0, this.start, this.at);
    this.buf = fresh;
    this.start = 0;
    this.at = len;
    ByteWriter.slab = fresh;
    ByteWriter.used = 0;
  }
}

/** policyCheckupBytes as a string. */
export function policyCheckupJson(snap: PolicySet, record: Record<string, unknown>, opts: { nearMissLimit?: number } = {}): string {
  return policyCheckupBytes(snap, record, opts).toString('utf8');
}

const ELIGIBLE = jsonPiece('{"eligible":[');
const NEAR = jsonPiece('],"nearMiss":[');
const UNKNOWN = jsonPiece('],"unknown":[');
const COMMA = jsonPiece(',');
const CLOSE = jsonPiece('}');
const BENEFIT = jsonPiece(',"benefit":');

function writeItems(out: ByteWriter, snap: PolicySet, record: Record<string, unknown>, t: Triage, ix: readonly number[], conditions: boolean): void {
  const heads = headsOf(snap);
  const o = { conditions };
  for (let k = 0; k < ix.length; k++) {
    const i = ix[k]!;
    if (k > 0) out.piece(COMMA);
    out.piece(heads[i]!);
    snap.explainer.writeCompactJsonAt(t, i, o, out);
    const benefit = snap.benefits[i];
    if (conditions && t.status[i] === 2 && benefit) {
      out.piece(BENEFIT);
      out.text(benefitJson(benefit(record)));
    }
    out.piece(CLOSE);
  }
}

/** Which policies go in which list, in order: the near misses nearest first. */
function triage(snap: PolicySet, record: Record<string, unknown>, limit = DEFAULT_NEAR_MISS_LIMIT): { t: Triage; eligible: number[]; unknown: number[]; near: number[]; shown: number[] } {
  const t = snap.explainer.triage(record);
  const eligible: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < t.status.length; i++) {
    const s = t.status[i];
    if (s === 2) eligible.push(i);
    else if (s === 1) unknown.push(i);
  }
  // Nearest first: one change before two; the newest policy first among equals.
  const near: number[] = [];
  const two: number[] = [];
  const order = snap.newestFirst;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const c = t.changes[i]; // > 0 only for false policies
    if (c === 1) near.push(i);
    else if (c === 2) two.push(i);
  }
  for (let k = 0; k < two.length; k++) near.push(two[k]!);
  return { t, eligible, unknown, near, shown: near.slice(0, limit) };
}

/** = JSON.stringify(r), written directly for the usual case (numbers print the same either way). */
function benefitJson(r: BenefitResult): string {
  return r.status === 'ok' ? `{"status":"ok","fen":${r.fen},"raw":${r.raw},"capped":${r.capped},"rounding":${JSON.stringify(r.rounding)}}` : JSON.stringify(r);
}

/** Per policy: `{"policyId":…,"version":…,"title":…,"mode":…,"category":…,"applyTo":…,"explanation":`, once per policy set. */
const headCache = new WeakMap<PolicySetExplainer, JsonPiece[]>();

function headsOf(snap: PolicySet): JsonPiece[] {
  let heads = headCache.get(snap.explainer);
  if (!heads) {
    heads = snap.policies.map((p) => {
      const c = p.content;
      const json = JSON.stringify({ policyId: p.id, version: p.version, title: p.title, mode: c.mode, category: c.category, applyTo: c.applyTo });
      return jsonPiece(`${json.slice(0, -1)},"explanation":`);
    });
    headCache.set(snap.explainer, heads);
  }
  return heads;
}
