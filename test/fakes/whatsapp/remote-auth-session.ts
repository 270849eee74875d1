/**
 * The fake's session persistence, done exactly as RemoteAuth does it: the "profile" is written to
 * `<dataDir>/RemoteAuth-<sessionId>.zip`, handed to `store.save`, and the file removed; a restore
 * extracts it from the store to the same path first.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { WAId } from '../../../bridges/whatsapp/driver';
import type { SessionStore } from '../../../bridges/whatsapp/session-store';

/** The fake's stand-in for RemoteAuth's zipped profile. */
export interface FakeSessionBlob {
  fakeWhatsAppSession: 1;
  me: WAId;
  pushname?: string;
}

export class FakeRemoteAuthSession {
  private readonly session: string;
  private readonly zipPath: string;

  /** @param dataDir already resolved to an absolute path */
  constructor(
    private readonly store: SessionStore,
    dataDir: string,
    sessionId: string,
  ) {
    this.session = `RemoteAuth-${sessionId}`;
    this.zipPath = join(dataDir, `${this.session}.zip`);
  }

  /** The saved session, or undefined when the store has none. */
  async restore(): Promise<FakeSessionBlob | undefined> {
    const session = this.session;
    if (!(await this.store.sessionExists({ session }))) return undefined;
    const path = this.zipPath;
    await this.store.extract({ session, path });
    const blob = JSON.parse(await readFile(path, 'utf8')) as FakeSessionBlob;
    await rm(path, { force: true });
    return blob;
  }

  async save(blob: FakeSessionBlob): Promise<void> {
    const path = this.zipPath;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(blob));
    try {
      await this.store.save({ session: this.session, path });
    } finally {
      await rm(path, { force: true });
    }
  }

  async delete(): Promise<void> {
    const session = this.session;
    if (await this.store.sessionExists({ session })) await this.store.delete({ session });
  }
}
