import QRCode from 'qrcode';
import type { LoginManager } from '../logins/login-manager';
import type { MatrixClient } from '../matrix/client';
import type { MatrixMedia } from '../matrix/media';
import type { NetworkRuntime } from '../modules/runtime';
import type { Notifier } from '../portals/notifier';
import type { Logger } from '../sdk/context';
import { toBridgeError } from '../sdk/errors';
import type { LoginField, LoginProcess, LoginStep } from '../sdk/login';
import { stableTxnId } from '../portals/txn-id';

interface Pending {
  readonly net: NetworkRuntime;
  readonly process: LoginProcess;
  readonly fields: readonly LoginField[];
  readonly values: Record<string, string>;
  readonly roomId: string;
}

/**
 * Walks a module's login steps in the management room: asks for each field in turn, shows
 * QR codes as an image plus text, waits, and stores the login when it completes.
 */
export class LoginDialog {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly logins: LoginManager,
    private readonly notifier: Notifier,
    private readonly media: MatrixMedia,
    private readonly client: MatrixClient,
    private readonly botUserId: string,
    private readonly log: Logger,
  ) {}

  isActive(userId: string): boolean {
    return this.pending.has(userId);
  }

  async start(
    net: NetworkRuntime,
    user: { userId: string; displayName: string },
    roomId: string,
    flowId: string,
  ): Promise<void> {
    await this.cancel(user.userId);
    const process = (net.connector.startLogin as NonNullable<typeof net.connector.startLogin>)(flowId, user);
    await this.advance(net, user, roomId, process, () => process.start());
  }

  /** A message from a user in the middle of a login: the next field's value. */
  async answer(user: { userId: string; displayName: string }, text: string, eventId: string): Promise<void> {
    const p = this.pending.get(user.userId);
    if (!p) return;
    const field = p.fields.find((f) => !(f.id in p.values));
    if (!field) return;
    if (field.type === 'password' || field.type === 'token') {
      // Do not leave a secret in the room history.
      await this.client
        .redact(p.roomId, eventId, { asUser: this.botUserId, txnId: stableTxnId('redact-secret', eventId) })
        .catch(() => undefined);
    }
    if (field.pattern && !new RegExp(`^(?:${field.pattern})$`).test(text)) {
      await this.notifier.notice(
        p.roomId,
        `That does not look like a valid ${field.label}. Try again, or send \`cancel\`.`,
      );
      return;
    }
    p.values[field.id] = text;
    const next = p.fields.find((f) => !(f.id in p.values));
    if (next) {
      await this.notifier.notice(p.roomId, `${next.label}?`);
      return;
    }
    const submit = p.process.submit?.bind(p.process);
    if (!submit) return;
    await this.advance(p.net, user, p.roomId, p.process, () => submit(p.values));
  }

  async cancel(userId: string): Promise<boolean> {
    const p = this.pending.get(userId);
    if (!p) return false;
    this.pending.delete(userId);
    await p.process.cancel().catch(() => undefined);
    return true;
  }

  private async advance(
    net: NetworkRuntime,
    user: { userId: string; displayName: string },
    roomId: string,
    process: LoginProcess,
    next: () => Promise<LoginStep | null>,
  ): Promise<void> {
    let step: LoginStep | null;
    try {
      step = await next();
    } catch (err) {
      this.pending.delete(user.userId);
      await process.cancel().catch(() => undefined);
      await this.notifier.notice(
        roomId,
        `❌ Login to ${net.displayName} failed: ${toBridgeError(err).message}`,
      );
      return;
    }
    if (step === null) return; // cancelled while waiting
    if (step.type === 'complete') {
      this.pending.delete(user.userId);
      const login = await this.logins.complete(net, user, step.login);
      await this.notifier.notice(
        roomId,
        `✅ Logged in to ${net.displayName} as ${login.remoteName || login.remoteId}.`,
      );
      return;
    }
    if (step.type === 'user_input') {
      this.pending.set(user.userId, { net, process, fields: step.fields, values: {}, roomId });
      const first = step.fields[0];
      await this.notifier.notice(
        roomId,
        `${step.instructions}\n${first ? `${first.label}?` : ''} (send \`cancel\` to stop)`,
      );
      return;
    }
    this.pending.set(user.userId, { net, process, fields: [], values: {}, roomId });
    await this.display(roomId, step);
    const wait = process.wait?.bind(process);
    if (!wait) return;
    // The wait can take minutes (a phone scanning a QR code): do not hold the room's queue.
    void this.advance(net, user, roomId, process, async () => {
      const s = await wait();
      return this.pending.get(user.userId)?.process === process ? s : null;
    }).catch((err: unknown) => this.log.warn('login wait failed', { error: String(err) }));
  }

  private async display(
    roomId: string,
    step: Extract<LoginStep, { type: 'display_and_wait' }>,
  ): Promise<void> {
    if (step.display.kind === 'qr') {
      const png = await QRCode.toBuffer(step.display.data, { type: 'png', margin: 2, scale: 6 });
      const mxc = await this.media.upload(png, 'image/png', 'login-qr.png', this.botUserId);
      await this.notifier.image(roomId, mxc, 'login-qr.png', { mimetype: 'image/png', size: png.length });
      await this.notifier.notice(roomId, `${step.instructions}\nQR code data: ${step.display.data}`);
    } else {
      await this.notifier.notice(roomId, `${step.instructions}\n${step.display.data}`);
    }
  }
}
