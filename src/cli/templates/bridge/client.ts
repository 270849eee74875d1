/**
 * The connection to the network. This one is an in-memory fake, so that the module runs and passes
 * the conformance kit from the start: replace its insides with your network's library and keep
 * its shape (methods for what Matrix users do, `onEvent` for what the network tells us).
 */
import { randomUUID } from 'node:crypto';
import { BridgeError } from '../../../sdk';

/** What the network tells us; to-matrix.ts turns each into a remote event. */
export type NetworkEvent =
  | { type: 'message'; chat: string; from: string; id: string; text: string }
  | { type: 'edit'; chat: string; from: string; id: string; text: string }
  | { type: 'delete'; chat: string; from: string; id: string };

/** What the fake network received from us: the conformance driver reads it. */
export type Sent = { type: 'message' | 'edit' | 'delete'; chat: string; id: string; text?: string };

export class TmplnetClient {
  readonly sent: Sent[] = [];
  /** Set by the session: where the network's events go. */
  onEvent: (event: NetworkEvent) => Promise<void> = async () => undefined;
  private connected = false;

  constructor(
    readonly server: string,
    private readonly token: string,
  ) {}

  async connect(): Promise<void> {
    // A real client would open a socket to `server` here; the fake only checks the token.
    if (!this.token.startsWith('tok-'))
      throw new BridgeError('bad_credentials', 'the server refused the token');
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  /** Sends `text` to `chat`; resolves with the id the network gave the message. */
  async send(chat: string, text: string): Promise<string> {
    const id = randomUUID();
    this.record({ type: 'message', chat, id, text });
    return id;
  }

  async edit(chat: string, id: string, text: string): Promise<void> {
    this.record({ type: 'edit', chat, id, text });
  }

  async delete(chat: string, id: string): Promise<void> {
    this.record({ type: 'delete', chat, id });
  }

  private record(sent: Sent): void {
    if (!this.connected) throw new BridgeError('remote_unreachable', 'not connected to Tmplnet');
    this.sent.push(sent);
  }
}

/** Test hook: the client of every login, by login id, so tests can act as the other side. */
export const tmplnetNetwork = { clients: new Map<string, TmplnetClient>() };
