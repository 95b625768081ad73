import type { Command } from 'commander';
import { loadConfig } from '../../platform/config.ts';
import { out, withDatabase } from '../context.ts';
import { CliFailure } from '../program.ts';

// Loaded inside the actions so that `qifu --help` stays fast.
const audit = () => import('../../platform/audit.ts');
const anchor = () => import('../../platform/audit-anchor.ts');

/**
 * `qifu audit …` (SPEC F-2, F-4, §11): verify the hash chain against the
 * signed checkpoints outside the database, write a checkpoint, show or
 * rotate the checkpoint key. Exit 0 ok, 1 broken (or not anchored), 2 usage.
 */
export function registerAuditCommands(program: Command): void {
  const group = program.command('audit').description('audit log: hash chain and signed checkpoints outside the database');

  group
    .command('verify')
    .description(
      'check the SM3 hash chain of the audit log and every signed checkpoint in the checkpoint log; ' +
        'exit 1 naming the first bad record or checkpoint, or when nothing anchors the chain (no key or no checkpoint) unless --allow-unanchored',
    )
    .option('--json', 'print JSON: {"ok","count","firstBad"?,"anchor":{"status","latest","protected","unprotected",…}}')
    .option('--allow-unanchored', 'exit 0 on an intact chain even without a key or a checkpoint to check it against')
    .action(async (opts: { json?: boolean; allowUnanchored?: boolean }) => {
      const { verifyAudit } = await audit();
      const { anchorSettings } = await anchor();
      await withDatabase(async (h, config) => {
        const r = await verifyAudit(h.db, { anchor: anchorSettings(config), requireAnchor: !opts.allowUnanchored });
        const a = r.anchor!;
        if (opts.json) out(JSON.stringify(r));
        else {
          if (!r.firstBad) out(`audit chain intact: ${r.count} records`);
          if (a.status === 'anchored') out(`anchored: ${a.message}`);
          else if (a.status === 'unanchored' && opts.allowUnanchored) out(`not anchored (accepted by --allow-unanchored): ${a.message}`);
          for (const w of a.warnings) process.stderr.write(`qifu: warning: ${w}\n`);
        }
        if (r.firstBad) throw new CliFailure(`audit chain broken at record ${r.firstBad.seq}: ${r.firstBad.message}`);
        if (a.status === 'broken') throw new CliFailure(`audit checkpoints broken: ${a.message}`);
        if (!r.ok) throw new CliFailure(`audit chain not anchored: ${a.message} (write one with \`qifu audit checkpoint\`, or pass --allow-unanchored)`);
      });
    });

  group
    .command('checkpoint')
    .description('sign the current head of the audit chain and append it to the checkpoint log now (creates the key on first use); posts it to the witness if one is set')
    .option('--json', 'print JSON: {"status","checkpoint"?,"log"?,"witness"?}')
    .action(async (opts: { json?: boolean }) => {
      const { anchorSettings, checkpointNow, describeOutcome, WitnessSender } = await anchor();
      await withDatabase(async (h, config) => {
        const s = anchorSettings(config);
        const o = await checkpointNow(h.db, s);
        let witness: { delivered: number; error: string | null } | undefined;
        if ((o.status === 'written' || o.status === 'unchanged') && s.witnessUrl) {
          witness = await new WitnessSender(s, { warn: () => undefined, info: () => undefined }).deliverPending();
        }
        if (opts.json) out(JSON.stringify({ ...o, ...(witness ? { witness } : {}) }));
        else {
          if (o.status !== 'refused' && o.status !== 'disabled') out(describeOutcome(o));
          if (witness?.error) process.stderr.write(`qifu: warning: the witness ${s.witnessUrl} did not accept the checkpoint (${witness.error}); the server retries\n`);
          else if (witness) out(`witness: ${witness.delivered} checkpoint(s) delivered to ${s.witnessUrl}`);
        }
        if (o.status === 'refused' || o.status === 'disabled') throw new CliFailure(describeOutcome(o));
      });
    });

  group
    .command('public-key')
    .description('print the checkpoint public keys (current and retired) — give them to verifiers and witnesses (QIFU_AUDIT_PUBLIC_KEY)')
    .option('--json', 'print JSON: [{"kid","publicKey","status"}]')
    .option('--pem', 'print the current public key as PEM (for OpenSSL)')
    .action(async (opts: { json?: boolean; pem?: boolean }) => {
      const { anchorSettings, readKeyFile, AnchorError } = await anchor();
      const s = anchorSettings(loadConfig());
      if (!s.keyFile) throw new CliFailure('no data directory: set QIFU_AUDIT_KEY_FILE');
      const k = await readKeyFile(s.keyFile).catch((err: unknown) => {
        throw err instanceof AnchorError ? new CliFailure(err.message) : err;
      });
      if (!k) throw new CliFailure(`no audit key at ${s.keyFile} yet (the first checkpoint creates it: qifu audit checkpoint)`);
      if (opts.pem) {
        const { sm2PublicKeyPem } = await import('../../core/crypto/sm.ts');
        return void process.stdout.write(sm2PublicKeyPem(k.publicKey));
      }
      const keys = [{ kid: k.kid, publicKey: k.publicKey, status: 'current', createdAt: k.createdAt }, ...k.retired.map((r) => ({ kid: r.kid, publicKey: r.publicKey, status: 'retired', createdAt: r.createdAt, retiredAt: r.retiredAt }))];
      if (opts.json) return out(JSON.stringify(keys));
      for (const key of keys) out(`${key.kid}  ${key.status.padEnd(7)}  ${key.publicKey}`);
      out(`QIFU_AUDIT_PUBLIC_KEY=${keys.map((key) => key.publicKey).join(',')}`);
    });

  group
    .command('rotate-key')
    .description('replace the checkpoint signing key with a new one (new key id); the old public key stays in the key file so earlier checkpoints still verify')
    .action(async () => {
      const { anchorSettings, rotateKey, AnchorError } = await anchor();
      const s = anchorSettings(loadConfig());
      if (!s.keyFile) throw new CliFailure('no data directory: set QIFU_AUDIT_KEY_FILE');
      const r = await rotateKey(s.keyFile).catch((err: unknown) => {
        throw err instanceof AnchorError ? new CliFailure(err.message) : err;
      });
      out(r.previous ? `new audit key ${r.key.kid} (retired ${r.previous}) in ${s.keyFile}` : `created audit key ${r.key.kid} in ${s.keyFile}`);
      out(`give verifiers the new public key: QIFU_AUDIT_PUBLIC_KEY=${[r.key.publicKey, ...r.key.retired.map((x) => x.publicKey)].join(',')}`);
    });
}
