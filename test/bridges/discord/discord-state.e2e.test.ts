/**
 * Bridge state when Discord refuses the bot: a missing Message Content intent and an invalid
 * token are reported to the configured admins with the fix spelled out, and a Matrix user whose
 * message cannot be delivered is told why in the room. The fake Discord is replaced on the same
 * port between bridge restarts (a new fake has a new token unless told otherwise).
 */
import { FakeDiscord } from '../../fakes/discord';
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { openManagementRoom, waitForText } from '../../e2e/e2e-helpers';
import { alias, botOf, GENERAL, guildSpec, startDiscordBed, until, type DiscordTestBed } from './helpers';

jest.setTimeout(120_000);

describe('Discord bridge state e2e', () => {
  let bed: DiscordTestBed;
  let dana: TestMatrixClient;
  let mgmt: string;
  let room: string;
  let fake: FakeDiscord;

  beforeAll(async () => {
    bed = await startDiscordBed({ config: { admins: ['@dana:switchboard.test'] } });
    fake = bed.fake;
    await until(() => botOf(bed.h).state.kind === 'connected', 'the bot to connect');
    dana = await bed.h.user('dana');
    mgmt = await openManagementRoom(dana, bed.h.bridge.botUserId);
    room = await dana.join(alias(GENERAL));
  });
  afterAll(async () => {
    await bed?.h.stop();
    await fake?.stop();
  });

  /** Swaps the fake Discord for another one on the same port and restarts the bridge. */
  async function replaceDiscord(options: ConstructorParameters<typeof FakeDiscord>[0]): Promise<void> {
    const port = Number(new URL(fake.restUrl).port);
    await fake.stop();
    fake = new FakeDiscord({ heartbeatIntervalMs: 500, port, ...options });
    await fake.start();
    fake.addGuild(guildSpec());
    await bed.h.restartBridge();
  }

  it('reports a missing Message Content intent to admins and in the room of a failed message', async () => {
    await replaceDiscord({ token: fake.token, privilegedIntents: { messageContent: false } });
    expect(botOf(bed.h).state.kind).toBe('bad_credentials');
    await waitForText(dana, mgmt, /Message Content Intent/);
    const sent = await dana.sendMessage(room, { msgtype: 'm.text', body: 'anyone?' });
    const notice = await waitForText(dana, room, /Not delivered to Discord: .*Message Content Intent/);
    expect((notice.content as { 'm.relates_to'?: unknown })['m.relates_to']).toEqual({
      'm.in_reply_to': { event_id: sent },
    });
  });

  it('reports an invalid token with what to do about it', async () => {
    await replaceDiscord({});
    expect(botOf(bed.h).state).toMatchObject({ kind: 'bad_credentials' });
    const notice = await waitForText(dana, mgmt, /rejected the bot token/);
    expect(String((notice.content as { body?: string }).body)).toMatch(/Reset Token/);
    expect(fake.openGatewayConnections).toBe(0);
  });
});
