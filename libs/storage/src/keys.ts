import { createHash, randomBytes } from 'node:crypto';

/** Keys look like `elg_<8 hex prefix>_<43 base64url secret>`; 256 bits of entropy after the prefix. */
const KEY_PATTERN = /^elg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;

export interface GeneratedKey {
  /** Shown to the user once; never stored. */
  plaintext: string;
  hash: string;
  prefix: string;
}

export function generateApiKey(): GeneratedKey {
  const prefix = randomBytes(4).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const plaintext = `elg_${prefix}_${secret}`;
  return { plaintext, hash: hashApiKey(plaintext), prefix: `elg_${prefix}` };
}

/**
 * sha256 is enough here (not a password hash): keys are 256-bit random, so there is nothing to
 * brute-force, and a fast hash keeps per-request auth cheap.
 */
export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}
