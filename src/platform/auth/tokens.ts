import { createHash, randomBytes } from 'node:crypto';

/** A random secret, URL-safe, 32 bytes of entropy. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * Session ids and API tokens are stored only as hashes: a leaked database
 * does not let anyone log in. SHA-256 is enough for 256-bit random secrets
 * (no need for a slow hash: they cannot be guessed).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
