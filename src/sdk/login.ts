import type { JsonObject, JsonValue } from './ids';

/** A way to log in that a network offers (QR code, token, password...). */
export interface LoginFlow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
}

export interface LoginField {
  readonly id: string;
  readonly label: string;
  readonly type: 'text' | 'password' | 'phone' | 'token' | 'url';
  /** Checked by the core before the module sees the value; a mismatch is shown to the user. */
  readonly pattern?: string;
  readonly optional?: boolean;
}

/**
 * One step of a login. The same steps drive the management-room commands and the
 * provisioning API, so a module writes its login once.
 */
export type LoginStep =
  | {
      readonly type: 'user_input';
      readonly stepId: string;
      readonly instructions: string;
      readonly fields: readonly LoginField[];
    }
  | {
      readonly type: 'display_and_wait';
      readonly stepId: string;
      readonly instructions: string;
      /** A QR code is rendered as an image and shown as text; a code is shown as text. */
      readonly display: { readonly kind: 'qr' | 'code' | 'text'; readonly data: string };
    }
  | { readonly type: 'complete'; readonly login: CompletedLogin };

/** What a finished login hands to the core to store. */
export interface CompletedLogin {
  /** The remote account id (phone number, account name...). Unique per network and Matrix user. */
  readonly remoteId: string;
  readonly remoteName: string;
  /** Secrets: encrypted at rest by the core and never logged. */
  readonly credentials: JsonValue;
  readonly metadata?: JsonObject;
}

/**
 * A running login attempt. `submit` answers a `user_input` step; `wait` resolves a
 * `display_and_wait` step with the next step (possibly a refreshed QR code).
 *
 * @example
 * const process = connector.startLogin('token', '@alice:example.org');
 * let step = await process.start();
 * if (step.type === 'user_input') step = await process.submit({ token: '...' });
 */
export interface LoginProcess {
  start(): Promise<LoginStep>;
  submit?(input: Readonly<Record<string, string>>): Promise<LoginStep>;
  wait?(): Promise<LoginStep>;
  /** Stops the attempt (the user cancelled or it timed out); omit it when there is nothing to stop. */
  cancel?(): Promise<void>;
}
