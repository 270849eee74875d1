import QRCode from 'qrcode';
import { checkField, type LoginAttempt, type LoginSessions } from '../logins/login-sessions';
import type { MatrixClient } from '../matrix/client';
import type { MatrixMedia } from '../matrix/media';
import type { NetworkRuntime } from '../modules/runtime';
import type { Notifier } from '../portals/notifier';
import type { Logger } from '../sdk/context';
import type { LoginStep } from '../sdk/login';
import { stableTxnId } from '../portals/txn-id';

interface Pending {
  readonly attemptId: string;
  readonly roomId: string;
  /** Answers collected so far: a chat asks for one field per message. */
  readonly values: Record<string, string>;
}

/**
 * The management-room view of a login (the step machine itself is `LoginSessions`, shared with
 * the provisioning API): asks for each field in turn, shows QR codes as an image plus text,
 * and reports how the login ended.
 */
export class LoginDialog {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly sessions: LoginSessions,
    private readonly notifier: Notifier,
    private readonly media: MatrixMedia,
    private readonly client: MatrixClient,
    private readonly botUserId: string,
    private readonly log: Logger,
  ) {}

  /** Whether the user's next message answers a login field rather than being a command. */
  isActive(userId: string): boolean {
    const p = this.pending.get(userId);
    return !!p && this.sessions.get(p.attemptId)?.status === 'input';
  }

  async start(
    net: NetworkRuntime,
    user: { userId: string; displayName: string },
    roomId: string,
    flowId: string,
  ): Promise<void> {
    this.pending.delete(user.userId);
    let started = '';
    const attempt = await this.sessions.start(net, user, flowId, async (a) => {
      // The first step is shown before `start` returns, so remember the room up front.
      if (!started) {
        started = a.id;
        this.pending.set(user.userId, { attemptId: a.id, roomId, values: {} });
      }
      await this.render(roomId, a);
    });
    if (!started) this.pending.set(user.userId, { attemptId: attempt.id, roomId, values: {} });
  }

  /** A message from a user in the middle of a login: the next field's value. */
  async answer(user: { userId: string; displayName: string }, text: string, eventId: string): Promise<void> {
    const p = this.pending.get(user.userId);
    const attempt = p ? this.sessions.get(p.attemptId) : undefined;
    if (!p || attempt?.step?.type !== 'user_input') return;
    const field = attempt.step.fields.find((f) => !(f.id in p.values));
    if (!field) return;
    if (field.type === 'password' || field.type === 'token') {
      // Do not leave a secret in the room history.
      await this.client
        .redact(p.roomId, eventId, { asUser: this.botUserId, txnId: stableTxnId('redact-secret', eventId) })
        .catch(() => undefined);
    }
    if (checkField(field, text)) {
      await this.notifier.notice(
        p.roomId,
        `That does not look like a valid ${field.label}. Try again, or send \`cancel\`.`,
      );
      return;
    }
    p.values[field.id] = text;
    const next = attempt.step.fields.find((f) => !(f.id in p.values));
    if (next) {
      await this.notifier.notice(p.roomId, `${next.label}?`);
      return;
    }
    await this.sessions.submit(attempt.id, p.values);
  }

  /** Cancels the user's open login, wherever it was started. */
  async cancel(userId: string): Promise<boolean> {
    this.pending.delete(userId);
    const open = this.sessions.current(userId);
    return open ? this.sessions.cancel(open.id) : false;
  }

  private async render(roomId: string, a: LoginAttempt): Promise<void> {
    const net = a.network.displayName;
    if (a.status !== 'input' && a.status !== 'waiting') {
      if (this.pending.get(a.user.userId)?.attemptId === a.id) this.pending.delete(a.user.userId);
    }
    switch (a.status) {
      case 'complete':
        return this.notifier.notice(
          roomId,
          `✅ Logged in to ${net} as ${a.login?.remoteName || a.login?.remoteId}.`,
        );
      case 'failed':
        return this.notifier.notice(roomId, `❌ Login to ${net} failed: ${a.error}`);
      case 'cancelled':
        return; // the `cancel` command (or the page that replaced this login) says so itself
      case 'input': {
        if (a.step?.type !== 'user_input') return;
        const p = this.pending.get(a.user.userId);
        if (p?.attemptId === a.id) for (const k of Object.keys(p.values)) delete p.values[k];
        const first = a.step.fields[0];
        return this.notifier.notice(
          roomId,
          `${a.step.instructions}\n${first ? `${first.label}?` : ''} (send \`cancel\` to stop)`,
        );
      }
      case 'waiting':
        if (a.step?.type === 'display_and_wait') await this.display(roomId, a.step);
    }
  }

  private async display(
    roomId: string,
    step: Extract<LoginStep, { type: 'display_and_wait' }>,
  ): Promise<void> {
    if (step.display.kind === 'qr') {
      try {
        const png = await QRCode.toBuffer(step.display.data, { type: 'png', margin: 2, scale: 6 });
        const mxc = await this.media.upload(png, 'image/png', 'login-qr.png', this.botUserId);
        await this.notifier.image(roomId, mxc, 'login-qr.png', { mimetype: 'image/png', size: png.length });
      } catch (err) {
        // The text below still carries the code; a missing picture must not end the login.
        this.log.warn('could not show the login QR code as an image', { error: String(err) });
      }
      await this.notifier.notice(roomId, `${step.instructions}\nQR code data: ${step.display.data}`);
    } else {
      await this.notifier.notice(roomId, `${step.instructions}\n${step.display.data}`);
    }
  }
}
