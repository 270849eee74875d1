/**
 * Discord's JSON error body is `{ message, code, errors? }`; discord.js turns it into a
 * `DiscordAPIError` whose `code` is the numeric JSON code below (not the HTTP status), so bridge
 * code branches on these numbers. Codes: https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
 */
export const JsonErrorCode = {
  General: 0,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownUser: 10013,
  UnknownEmoji: 10014,
  UnknownWebhook: 10015,
  RequestEntityTooLarge: 40005,
  CannotEditOtherUsersMessage: 50005,
  CannotSendEmptyMessage: 50006,
  InvalidWebhookToken: 50027,
  InvalidFormBody: 50035,
  InvalidJson: 50109,
} as const;

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** The nested `errors` object Discord attaches to 50035 Invalid Form Body. */
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const unknown = (what: 'Channel' | 'Guild' | 'Member' | 'Message' | 'User' | 'Webhook'): RestError =>
  new RestError(404, JsonErrorCode[`Unknown${what}`], `Unknown ${what}`);

/** A 50035 Invalid Form Body error for one field, shaped like Discord's `{ field: { _errors: [...] } }`. */
export function invalidFormBody(field: string, errorCode: string, message: string): RestError {
  return new RestError(400, JsonErrorCode.InvalidFormBody, 'Invalid Form Body', {
    [field]: { _errors: [{ code: errorCode, message }] },
  });
}
