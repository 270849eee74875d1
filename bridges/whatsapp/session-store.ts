/**
 * Persists WhatsApp Web sessions (the zipped Chromium profile whatsapp-web.js's RemoteAuth
 * produces) in a key-value store, so a restart or a move to another machine needs no new QR.
 *
 * The blobs are login credentials: the injected key-value store is expected to encrypt them at
 * rest (the core's per-module KV does), and nothing here logs them or puts them in errors.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The RemoteAuth store contract, with one change: `save` receives the path of the zip.
 * RemoteAuth (1.34) calls `save({ session })` only and writes the zip to
 * `<dataPath>/<session>.zip`; stores that read `<session>.zip` from the working directory fail
 * with ENOENT (whatsapp-web.js issue "RemoteAuth ENOENT - zip created in dataPath but later
 * opened from CWD"). The wwebjs driver knows dataPath and supplies the path, as `extract` already
 * gets it.
 */
export interface SessionStore {
  sessionExists(opts: { session: string }): Promise<boolean>;
  /** Reads the zip at `path` and stores it under `session`. */
  save(opts: { session: string; path: string }): Promise<void>;
  /** Writes the stored zip of `session` to `path` (creating its folder). */
  extract(opts: { session: string; path: string }): Promise<void>;
  delete(opts: { session: string }): Promise<void>;
}

/** What the core provides (encrypted, scoped to the module); kept structural so this file needs no core import. */
export interface SessionKeyValue {
  get(key: string): Promise<Buffer | null>;
  set(key: string, value: Buffer): Promise<void>;
  delete(key: string): Promise<void>;
}

export class KvSessionStore implements SessionStore {
  constructor(private readonly kv: SessionKeyValue) {}

  async sessionExists({ session }: { session: string }): Promise<boolean> {
    return (await this.kv.get(key(session))) !== null;
  }

  async save({ session, path }: { session: string; path: string }): Promise<void> {
    const zip = await readFile(path);
    if (zip.length === 0)
      throw new Error(`Refusing to store an empty WhatsApp session archive for ${session}`);
    await this.kv.set(key(session), zip);
  }

  async extract({ session, path }: { session: string; path: string }): Promise<void> {
    const zip = await this.kv.get(key(session));
    if (zip === null) throw new Error(`No stored WhatsApp session ${session}`);
    // The profile folder holds the same credentials unencrypted: keep it private to our user.
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, zip, { mode: 0o600 });
  }

  async delete({ session }: { session: string }): Promise<void> {
    await this.kv.delete(key(session));
  }
}

function key(session: string): string {
  return `session/${session}`;
}
