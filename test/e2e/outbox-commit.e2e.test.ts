import { Client } from 'pg';
import { contactSays } from '../support/example-contacts';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import { startBridgeHarness, type BridgeHarness } from '../support/bridge-harness';
import { eventually } from '../support/eventually';
import { body, exampleUserWithChat, waitForText } from './e2e-helpers';

jest.setTimeout(120_000);

/**
 * The remote → Matrix outbox row is the crash guarantee, not a gate (docs/architecture.md): a
 * remote message reaches Matrix without waiting for its row to commit. A lock on `outbox` plays
 * a disk that takes its time. Postgres only: PGlite's one connection cannot be held like this.
 */
describe('remote → Matrix delivery and the outbox commit (postgres)', () => {
  let h: BridgeHarness;
  let dana: TestMatrixClient;
  let portal: string;
  let loginId: string;
  let locker: Client;
  const alice = '@example_alice:switchboard.test';
  const outboxRows = async () =>
    Number((await locker.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0]?.n);

  beforeAll(async () => {
    h = await startBridgeHarness({
      backend: 'postgres',
      bridges: { example: { enabled: true, contacts: ['alice'], reply_delay_ms: 20 } },
    });
    ({ client: dana, portal, loginId } = await exampleUserWithChat(h, 'dana', 'alice'));
    locker = new Client({ connectionString: h.dbUrl });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await h?.stop();
  });

  it('delivers a remote message while its row waits, and a restart does not send it again', async () => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE');
    let stored = false;
    const emitted = contactSays(loginId, 'alice', 'while the disk is slow');
    void emitted?.then(() => (stored = true));
    await waitForText(dana, portal, 'while the disk is slow', alice);
    expect(stored).toBe(false); // delivered before `emit` could say it is stored

    // Stopping now keeps the row (the bridge cannot delete what it has not stored yet, and does
    // not while stopping); the row commits once the lock goes, and the next start replays it.
    const restarted = h.restartBridge();
    await new Promise((r) => setTimeout(r, 300));
    await locker.query('ROLLBACK');
    await emitted;
    await restarted;
    await eventually(async () => (await outboxRows()) === 0, 'the replayed row to be deleted');
    await new Promise((r) => setTimeout(r, 1000)); // room for a duplicate to show up, if there were one
    const copies = (await dana.messages(portal, { limit: 20 })).filter(
      (e) => body(e) === 'while the disk is slow',
    );
    expect(copies).toHaveLength(1);
  });
});
