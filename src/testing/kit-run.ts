/**
 * One run of the kit: the harness, the kit's Matrix user and the waits every check needs. Waits
 * fail with what the room (or the remote side) did say, because a bare timeout tells a module
 * author nothing about what went wrong.
 */
import { randomBytes } from 'node:crypto';
import type { BridgeModule, NetworkCapabilities } from '../sdk';
import type { BridgeHarness, MatrixEvent, TestMatrixClient } from './harness';
import type { Observed } from './observe';
import type { ConformanceDriver, KitChat, MatrixSent, Observable, RemoteAction, RemoteSaid } from './types';

/** A Matrix message bridged out, and the remote id it got. */
export interface Outgoing {
  readonly eventId: string;
  readonly remoteId: string;
  readonly action: Extract<RemoteAction, { kind: 'message' }>;
}

/** A remote message bridged in, and its Matrix event. */
export interface Incoming {
  readonly said: RemoteSaid;
  readonly event: MatrixEvent;
}

export const bodyOf = (e: MatrixEvent): string => String((e.content as { body?: unknown }).body ?? '');
export const relatesOf = (e: MatrixEvent) =>
  ((e.content as { 'm.relates_to'?: Record<string, unknown> })['m.relates_to'] ?? {}) as Record<
    string,
    unknown
  >;

const POLL_MS = 50;

export class KitRun {
  mgmt = '';
  private currentChat: KitChat | undefined;
  /** Messages bridged by earlier checks; later checks (reactions, restart) reuse them as targets. */
  outgoing: Outgoing | undefined;
  incoming: Incoming | undefined;
  /** What the kit user did in the portal, handed to `driver.remoteReceived`. */
  readonly sent: MatrixSent[] = [];

  constructor(
    readonly h: BridgeHarness,
    readonly user: TestMatrixClient,
    readonly mod: BridgeModule<never>,
    readonly driver: ConformanceDriver,
    readonly observed: Observed,
    readonly timeoutMs: number,
  ) {}

  get id(): string {
    return this.mod.manifest.id;
  }
  get caps(): NetworkCapabilities {
    return this.mod.manifest.capabilities;
  }
  /** The running network: looked up each time, because a restart replaces the bridge. */
  get runtime() {
    const net = this.h.bridge.networks.get(this.id);
    if (!net) throw new Error(`the core did not load ${this.id}`);
    return net;
  }
  get chat(): KitChat {
    if (!this.currentChat) throw new Error('no portal: opening a chat failed earlier');
    return this.currentChat;
  }
  set chat(c: KitChat) {
    this.currentChat = c;
  }

  /** A marker that makes each check's texts unique, so no check can match another's events. */
  nonce(): string {
    return randomBytes(4).toString('hex');
  }

  isGhost(userId: string): boolean {
    return this.runtime.ns.remoteUserIdOf(userId) !== null;
  }

  text(roomId: string, body: string): Promise<string> {
    return this.user.sendMessage(roomId, { msgtype: 'm.text', body });
  }

  /** The kit user's text in the portal. */
  async say(body: string): Promise<string> {
    const eventId = await this.text(this.chat.roomId, body);
    this.sent.push({ kind: 'message', eventId, body });
    return eventId;
  }

  /** The kit user answers `targetEventId` with `body` (a rich reply, no fallback: the spec's current form). */
  async reply(targetEventId: string, body: string): Promise<string> {
    const eventId = await this.user.sendMessage(this.chat.roomId, {
      msgtype: 'm.text',
      body,
      'm.relates_to': { 'm.in_reply_to': { event_id: targetEventId } },
    });
    this.sent.push({ kind: 'message', eventId, body });
    return eventId;
  }

  /** Whether the driver reports `what` in `remoteReceived`. */
  observes(what: Observable): boolean {
    return this.driver.observes?.includes(what) ?? false;
  }

  /** The kit user edits their message `targetEventId` to `body`. */
  async edit(targetEventId: string, body: string): Promise<string> {
    const eventId = await this.user.sendMessage(this.chat.roomId, {
      msgtype: 'm.text',
      body: `* ${body}`,
      'm.new_content': { msgtype: 'm.text', body },
      'm.relates_to': { rel_type: 'm.replace', event_id: targetEventId },
    });
    this.sent.push({ kind: 'edit', eventId, targetEventId, body });
    return eventId;
  }

  async react(targetEventId: string, key: string): Promise<string> {
    const eventId = await this.user.sendReaction(this.chat.roomId, targetEventId, key);
    this.sent.push({ kind: 'reaction', eventId, targetEventId, key });
    return eventId;
  }

  /** Redacts `targetEventId` (a message, or a reaction: its removal). */
  async redact(targetEventId: string): Promise<string> {
    const eventId = await this.user.redact(this.chat.roomId, targetEventId);
    this.sent.push({ kind: 'redaction', eventId, targetEventId });
    return eventId;
  }

  /** Waits for an event in `roomId`; on timeout says what the room's last events were. */
  async event(roomId: string, match: (e: MatrixEvent) => boolean, what: string): Promise<MatrixEvent> {
    try {
      return await this.user.waitForEvent(roomId, match, this.timeoutMs);
    } catch {
      const recent = (await this.user.messages(roomId, { limit: 8 }).catch(() => []))
        .reverse()
        .map((e) => `  ${e.sender} ${e.type}: ${bodyOf(e).slice(0, 160)}`);
      throw new Error(
        `no ${what} within ${this.timeoutMs} ms; the room's last events:\n${recent.join('\n')}`,
      );
    }
  }

  /** Waits for a message from the bridge bot whose body matches. */
  bot(roomId: string, match: (body: string) => boolean, what: string): Promise<MatrixEvent> {
    const botId = this.h.bridge.botUserId;
    return this.event(
      roomId,
      (e) => e.sender === botId && e.type === 'm.room.message' && match(bodyOf(e)),
      what,
    );
  }

  /** Waits for a message by one of the module's ghosts whose body contains `text`. */
  ghostSays(text: string, what = `a ghost's message containing "${text}"`): Promise<MatrixEvent> {
    return this.event(
      this.chat.roomId,
      (e) => e.type === 'm.room.message' && this.isGhost(e.sender) && bodyOf(e).includes(text),
      what,
    );
  }

  /** Polls the driver's record of the remote side until `match` finds an entry at or after `since`. */
  async remote<A extends RemoteAction>(
    match: (a: RemoteAction) => a is A,
    what: string,
    since?: number,
  ): Promise<A>;
  async remote(match: (a: RemoteAction) => boolean, what: string, since?: number): Promise<RemoteAction>;
  async remote(match: (a: RemoteAction) => boolean, what: string, since = 0): Promise<RemoteAction> {
    let log: readonly RemoteAction[] = [];
    for (const deadline = Date.now() + this.timeoutMs; Date.now() < deadline;) {
      log = await this.driver.remoteReceived(this.chat, this.sent);
      const found = log.slice(since).find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const tail = log.slice(-5).map((a) => `  ${JSON.stringify(a)}`);
    throw new Error(
      `the remote side never received ${what} within ${this.timeoutMs} ms; it last received:\n${tail.join('\n') || '  (nothing)'}`,
    );
  }

  /** Polls the core's message mapping of a Matrix event. */
  async mapping(eventId: string): Promise<{ remote_id: string; room_id: string }> {
    for (const deadline = Date.now() + this.timeoutMs; Date.now() < deadline;) {
      const row = await this.h.bridge.store.messages.byEventId(eventId);
      if (row) return row;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    throw new Error(`the core recorded no remote id for ${eventId}`);
  }

  /** Sends a Matrix text and waits until the remote side has it and the core mapped it. */
  async sendOut(body: string): Promise<Outgoing> {
    const eventId = await this.say(body);
    const action = await this.remote(
      (a): a is Outgoing['action'] => a.kind === 'message' && a.text.includes(body),
      `the message "${body}"`,
    );
    const row = await this.mapping(eventId);
    if (row.remote_id !== action.id)
      throw new Error(
        `the core mapped ${eventId} to remote id ${row.remote_id}, but the remote side got ${action.id}`,
      );
    return { eventId, remoteId: action.id, action };
  }

  /**
   * Has the remote side post `text` and waits for it in the portal, recognised by `marker` (a
   * part of the text no network reformats) when the module may reformat the text itself.
   */
  async receive(text: string, marker = text): Promise<Incoming> {
    const said = await this.driver.remoteSays(this.chat, text);
    const event = await this.ghostSays(marker);
    return { said, event };
  }

  /** How many actions the remote side has received so far: `since` for a later `remote`. */
  async remoteCount(): Promise<number> {
    return (await this.driver.remoteReceived(this.chat, this.sent)).length;
  }

  /** Fails the check when the manifest declares `flag` but no session has `method`. */
  requireMethod(flag: string, method: string): void {
    if (!this.sessionsHave(method))
      throw new Error(`the manifest declares ${flag}, but the session has no ${method}`);
  }

  /** Whether any session the module handed out implements `method`: for helpful failure messages. */
  sessionsHave(method: string): boolean {
    return this.observed.sessions.some(
      (s) => typeof (s as unknown as Record<string, unknown>)[method] === 'function',
    );
  }
}
