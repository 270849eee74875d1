/** The InspIRCd harness's start-up check: the daemon must hold its own ports. */
import { startInspircd, type InspircdServer } from './inspircd';

describe('startInspircd', () => {
  let first: InspircdServer;
  beforeAll(async () => void (first = await startInspircd()));
  afterAll(() => first.stop());

  it("fails on a port another daemon holds instead of taking that daemon's answers for its own", async () => {
    // InspIRCd keeps running when a bind fails, and the other daemon accepts on the port.
    await expect(startInspircd({ port: first.port })).rejects.toThrow(/ports .*other/);
  });

  it('runs next to another one on ports of its own, and restarts on them', async () => {
    const second = await startInspircd();
    try {
      expect([second.port, second.serverPort]).not.toContain(first.port);
      await second.restart();
    } finally {
      await second.stop();
    }
  });
});
