import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown when a stored secret cannot be decrypted: wrong key, or the row was tampered with. */
export class SecretDecryptError extends Error {
  override readonly name = 'SecretDecryptError';
}

/**
 * AES-256-GCM for credentials and session blobs at rest. The key lives in the config file,
 * not in the database, so a database dump alone reveals no secrets.
 * Layout: version byte, 12-byte IV, 16-byte tag, ciphertext.
 *
 * @example
 * const box = new SecretBox(SecretBox.generateKey());
 * box.open(box.seal(Buffer.from('token'))).toString(); // 'token'
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    const key = Buffer.from(base64Key, 'base64');
    if (key.length !== 32) throw new Error('encryption key must be 32 bytes, base64-encoded');
    this.key = key;
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  seal(plain: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
      throw new SecretDecryptError('stored secret has an unknown format');
    }
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new SecretDecryptError('stored secret could not be decrypted (wrong encryption key?)');
    }
  }

  sealJson(value: unknown): Buffer {
    return this.seal(Buffer.from(JSON.stringify(value), 'utf8'));
  }

  openJson(sealed: Buffer): unknown {
    return JSON.parse(this.open(sealed).toString('utf8'));
  }
}
