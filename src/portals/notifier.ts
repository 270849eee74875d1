import type { MatrixClient } from '../matrix/client';
import type { Logger } from '../sdk/context';
import type { Store } from '../store/store';
import { randomUUID } from 'node:crypto';

/** The bridge bot's voice: notices in portal rooms and in users' management rooms. */
export class Notifier {
  constructor(
    private readonly client: MatrixClient,
    private readonly store: Store,
    private readonly botUserId: string,
    private readonly log: Logger,
  ) {}

  async notice(
    roomId: string,
    text: string,
    opts: { inReplyTo?: string; html?: string } = {},
  ): Promise<void> {
    const content: Record<string, unknown> = { msgtype: 'm.notice', body: text, 'm.mentions': {} };
    if (opts.html) {
      content.format = 'org.matrix.custom.html';
      content.formatted_body = opts.html;
    }
    if (opts.inReplyTo) content['m.relates_to'] = { 'm.in_reply_to': { event_id: opts.inReplyTo } };
    try {
      await this.client.sendEvent(roomId, 'm.room.message', content, {
        asUser: this.botUserId,
        txnId: randomUUID(),
      });
    } catch (err) {
      this.log.warn('could not send notice', { roomId, error: String(err) });
    }
  }

  /** Tells a user something in their management room, if they have one. */
  async toUser(userId: string, text: string): Promise<void> {
    const room = await this.store.users.managementRoom(userId);
    if (room) await this.notice(room, text);
    else this.log.info('no management room to notify user', { userId });
  }

  async image(roomId: string, mxc: string, body: string, info: Record<string, unknown>): Promise<void> {
    await this.client.sendEvent(
      roomId,
      'm.room.message',
      { msgtype: 'm.image', body, url: mxc, info, 'm.mentions': {} },
      { asUser: this.botUserId, txnId: randomUUID() },
    );
  }
}
