/**
 * What the example module's tests share: a login, portals and messages to hand the session, and
 * a fresh module with a connected session before each test (`useExample`).
 */
import exampleModule from '../../../bridges/example';
import type { ExampleConfig } from '../../../bridges/example/config';
import type {
  LoginRecord,
  MatrixMessage,
  NetworkConnector,
  PortalInfo,
  RemoteMessageEvent,
  RemoteSession,
} from '../../../src/sdk';
import { fakeModuleContext, type FakeModuleContext } from '../../support/fake-module-context';

export const dana: LoginRecord = {
  id: 'login-dana',
  network: 'example',
  userId: '@dana:example.test',
  remoteId: 'dana',
  remoteName: 'dana',
  credentials: 'ex-secret',
  metadata: {},
};
export const actor = { userId: dana.userId, displayName: 'Dana' };

export function portal(chatId: string): PortalInfo {
  const shared = chatId === 'group:lobby';
  return {
    network: 'example',
    chat: shared ? { id: chatId } : { id: chatId, receiver: dana.id },
    roomId: `!${chatId}:example.test`,
    kind: shared ? 'group' : 'dm',
    metadata: {},
  };
}

export function message(body: string, extra: Partial<MatrixMessage> = {}): MatrixMessage {
  return {
    eventId: `$${body}`,
    roomId: '!room:example.test',
    sender: actor,
    msgtype: 'text',
    body,
    mentions: [],
    mentionsRoom: false,
    permalink: 'https://matrix.to/#/!room/$event',
    timestamp: Date.now(),
    ...extra,
  };
}

export const textOf = (m: RemoteMessageEvent) =>
  m.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');

/** The module of the current test, set by `useExample`. */
export const ex = {} as {
  ctx: FakeModuleContext<ExampleConfig>;
  connector: NetworkConnector;
  session: RemoteSession;
};

/** A fresh module (no reply delay) with dana's session connected, before each test of the file. */
export function useExample(): void {
  beforeEach(async () => {
    ex.ctx = fakeModuleContext<ExampleConfig>(
      { contacts: ['alice', 'bob'], reply_delay_ms: 0 },
      { logins: [dana] },
    );
    ex.connector = exampleModule.create(ex.ctx);
    await ex.connector.start?.();
    ex.session = ex.connector.loadLogin?.(dana) as RemoteSession;
    await ex.session.connect();
  });
  afterEach(async () => {
    await ex.session.disconnect();
    await ex.connector.stop?.();
  });
}

/** The user says `body` in `chatId`; resolves with its remote id and the contact's echo. */
export async function talk(body: string, chatId = 'dm:alice') {
  const from = ex.ctx.events.length;
  const { remoteId } = await ex.session.sendMessage(portal(chatId), message(body));
  const echo = await ex.ctx.waitFor('message', (m) => m.replyTo === remoteId, { from });
  return { remoteId, echo, from };
}
