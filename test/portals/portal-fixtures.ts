import { NetworkNamespace } from '../../src/matrix/namespaces';
import type { NetworkRuntime } from '../../src/modules/runtime';
import type { PortalInfo } from '../../src/sdk/ids';

/** Fixtures of the portal tests: the network `test` on server `x.org`, with no capabilities. */
export const testNetwork = (): NetworkRuntime =>
  ({
    id: 'test',
    displayName: 'Test',
    ns: new NetworkNamespace('test', 'x.org', 'test_', 'test_'),
    connector: { start: async () => undefined, stop: async () => undefined },
    module: { manifest: { capabilities: {} } },
  }) as unknown as NetworkRuntime;

/** A shared group portal of `test`: chat `chatId` in room `roomId`. */
export const groupPortal = (chatId: string, roomId: string): PortalInfo => ({
  network: 'test',
  chat: { id: chatId },
  roomId,
  kind: 'group',
  metadata: {},
});
