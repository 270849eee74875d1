/** Proves the harness: a real Synapse with an appservice registered, real clients, real media. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { matrixJson } from './matrix-http';
import { registerUser, TestMatrixClient, type MatrixEvent } from './matrix-test-client';
import { registrationYaml, testRegistration, type TestRegistration } from './registration';
import { DEFAULT_SERVER_NAME, startSynapse, type SynapseInstance } from './synapse';

interface RecordedTransaction {
  url: string;
  authorization: string | undefined;
  events: MatrixEvent[];
}

/** The appservice side: records the transactions Synapse pushes and answers everything else 404. */
async function startTransactionRecorder(): Promise<{
  url: string;
  transactions: RecordedTransaction[];
  server: Server;
}> {
  const transactions: RecordedTransaction[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'PUT' && req.url?.startsWith('/_matrix/app/v1/transactions/')) {
        const { events } = JSON.parse(body) as { events: MatrixEvent[] };
        transactions.push({ url: req.url, authorization: req.headers.authorization, events });
        res.end('{}');
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, transactions, server };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function waitUntil<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('real Synapse harness', () => {
  let synapse: SynapseInstance;
  let recorder: Awaited<ReturnType<typeof startTransactionRecorder>>;
  let registration: TestRegistration;

  beforeAll(async () => {
    recorder = await startTransactionRecorder();
    registration = testRegistration({ url: recorder.url, serverName: DEFAULT_SERVER_NAME });
    // Generous: the first run on a machine may also install Synapse and build the database fixture.
    synapse = await startSynapse({ appserviceRegistrations: [registrationYaml(registration)] });
  }, 240_000);

  afterAll(async () => {
    await synapse?.stop();
    await new Promise((resolve) => recorder?.server.close(resolve));
  });

  async function newUser(localpart: string): Promise<TestMatrixClient> {
    return new TestMatrixClient(synapse.baseUrl, await registerUser(synapse, localpart));
  }

  /** Registers a user in the appservice's namespace and returns a client that masquerades as it. */
  async function newGhost(localpart: string): Promise<TestMatrixClient> {
    const { user_id } = await matrixJson<{ user_id: string }>(
      synapse.baseUrl,
      'POST',
      '/_matrix/client/v3/register',
      {
        accessToken: registration.as_token,
        json: { type: 'm.login.application_service', username: localpart, inhibit_login: true },
      },
    );
    return new TestMatrixClient(
      synapse.baseUrl,
      { userId: user_id, accessToken: registration.as_token },
      { masquerade: true },
    );
  }

  test('an invited user joins and sees earlier messages', async () => {
    const alice = await newUser('alice');
    const bob = await newUser('bob');
    const roomId = await alice.createRoom({ name: 'harness' });
    const eventId = await alice.sendMessage(roomId, { msgtype: 'm.text', body: 'hello bob' });
    await alice.invite(roomId, bob.userId);

    const invite = await bob.waitForInvite((i) => i.roomId === roomId);
    expect(invite.state.find((e) => e.type === 'm.room.name')?.content.name).toBe('harness');
    await bob.join(roomId);
    const seen = await bob.waitForEvent(roomId, (e) => e.event_id === eventId);
    expect(seen).toMatchObject({ sender: alice.userId, content: { body: 'hello bob' } });
    expect(Object.keys(await alice.joinedMembers(roomId)).sort()).toEqual([alice.userId, bob.userId].sort());
  });

  test('an appservice ghost joins and sends, and the appservice receives the room events', async () => {
    const carol = await newUser('carol');
    const ghost = await newGhost('_sb_ghost');
    expect(ghost.userId).toBe(`@_sb_ghost:${synapse.serverName}`);
    const roomId = await carol.createRoom();
    await carol.invite(roomId, ghost.userId);
    await ghost.join(roomId);

    const fromGhost = await ghost.sendMessage(roomId, { msgtype: 'm.text', body: 'hi from the bridge' });
    expect((await carol.waitForEvent(roomId, (e) => e.event_id === fromGhost)).sender).toBe(ghost.userId);

    const fromCarol = await carol.sendMessage(roomId, { msgtype: 'm.text', body: 'hi bridge' });
    const txn = await waitUntil(
      () => recorder.transactions.find((t) => t.events.some((e) => e.event_id === fromCarol)),
      `a transaction with ${fromCarol}`,
    );
    expect(txn.authorization).toBe(`Bearer ${registration.hs_token}`);
    // use_appservice_legacy_authorization is off: the token travels only in the header.
    expect(txn.url).not.toContain('access_token');
    expect(txn.events.find((e) => e.event_id === fromCarol)).toMatchObject({
      room_id: roomId,
      sender: carol.userId,
    });
  });

  test('media round-trips through the authenticated media API', async () => {
    const dave = await newUser('dave');
    const data = Buffer.from('not really a png, but bytes all the same');
    const mxc = await dave.uploadMedia(data, 'image/png', 'pixel.png');
    expect(mxc).toMatch(new RegExp(`^mxc://${synapse.serverName}/`));

    const downloaded = await dave.downloadMedia(mxc);
    expect(downloaded.data.equals(data)).toBe(true);
    expect(downloaded.contentType).toBe('image/png');
  });

  test('serves the client .well-known for discovery', async () => {
    const wellKnown = await matrixJson<{ 'm.homeserver': { base_url: string } }>(
      synapse.baseUrl,
      'GET',
      '/.well-known/matrix/client',
    );
    expect(wellKnown['m.homeserver'].base_url).toBe(`${synapse.baseUrl}/`);
  });

  test('restart keeps the data', async () => {
    const erin = await newUser('erin');
    const roomId = await erin.createRoom();
    const eventId = await erin.sendMessage(roomId, { msgtype: 'm.text', body: 'before restart' });
    await synapse.restart();
    expect((await erin.getEvent(roomId, eventId)).content.body).toBe('before restart');
  }, 120_000);
});
