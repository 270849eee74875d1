/** Proves the Dendrite harness: it starts, registers users by the shared secret, restarts, cleans up. */
import { existsSync } from 'node:fs';
import { startDendrite } from './dendrite';
import { registerUser, TestMatrixClient } from './matrix-test-client';
import { registrationYaml, testRegistration } from './registration';

jest.setTimeout(120_000);

describe('real Dendrite harness', () => {
  it('serves clients, keeps its data across a restart, and removes it on stop', async () => {
    const reg = testRegistration({ url: 'http://127.0.0.1:9', serverName: 'switchboard.test' });
    const dendrite = await startDendrite({ appserviceRegistrations: [registrationYaml(reg)] });
    try {
      const alice = new TestMatrixClient(dendrite.baseUrl, await registerUser(dendrite, 'alice'));
      expect(alice.userId).toBe('@alice:switchboard.test');
      const room = await alice.createRoom({ name: 'kept' });
      await dendrite.restart();
      expect(await alice.getState(room, 'm.room.name')).toEqual({ name: 'kept' });
      // The appservice's token is accepted: the registration was loaded.
      const res = await fetch(`${dendrite.baseUrl}/_matrix/client/v3/account/whoami`, {
        headers: { authorization: `Bearer ${reg.as_token}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await dendrite.stop();
    }
    expect(existsSync(dendrite.dataDir)).toBe(false);
  });
});
