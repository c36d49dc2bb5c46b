import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption (AES-256-GCM) of short secrets that must wait in the database for a
 * moment, such as a passcode in the mail outbox: SQLite's WAL and PostgreSQL's dead tuples keep
 * old row versions after the row is cleared, so only ciphertext may ever reach them. The key is
 * derived from the master secret; the sealed form is base64url(iv ‖ tag ‖ ciphertext).
 */
export interface Sealer {
  seal(plain: string): string;
  /** Throws when the value was not sealed under this secret or was altered. */
  open(sealed: string): string;
}

export function createSealer(secret: Buffer, purpose: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'latchkey', purpose, 32));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      const bytes = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
