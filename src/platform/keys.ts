import { generateSm2KeyPair } from '../core/crypto/sm.ts';
import { sm3 } from '../core/crypto/sm.ts';
import type { Executor } from './db/schema.ts';

export interface StoredKey {
  kid: string;
  publicKey: string;
  privateKey: string;
}

/**
 * SM2 signing keys by purpose (企业码, 检查码, credit reports …), created on
 * first use and kept in `settings`, so every process and restart signs with
 * the same key. The public half is published for offline verification.
 */
export async function signingKey(db: Executor, purpose: string): Promise<StoredKey> {
  const name = `sm2:${purpose}`;
  const existing = await db.selectFrom('settings').select('value').where('key', '=', name).executeTakeFirst();
  if (existing) return existing.value as StoredKey;
  const kp = generateSm2KeyPair();
  const key: StoredKey = { kid: sm3(kp.publicKey).slice(0, 16), ...kp };
  await db.insertInto('settings').values({ key: name, value: JSON.stringify(key) }).onConflict((oc) => oc.column('key').doNothing()).execute();
  // Another process may have won the race: read back whichever key was stored.
  const stored = await db.selectFrom('settings').select('value').where('key', '=', name).executeTakeFirstOrThrow();
  return stored.value as StoredKey;
}
