import { createHash } from 'node:crypto';
import { Document } from 'yaml';
import { escapeRegex } from './registration';

/**
 * Double puppeting, the appservice way (as mautrix bridges do it): a second registration whose
 * non-exclusive namespace is every user of the homeserver, and which receives nothing (no
 * `url`). With its as_token the bridge may act as a local user, so what that user sent from
 * another device (their phone, `RemoteSender.isFromMe`) appears from their own Matrix account.
 * Events sent this way carry {@link DOUBLE_PUPPET_KEY}, which is how the core knows them for
 * echoes when the homeserver hands them back as that user's events.
 */
export const DOUBLE_PUPPET_KEY = 'org.switchboard.double_puppet';

export interface DoublePuppetSource {
  readonly homeserver: { readonly domain: string };
  readonly appservice: {
    readonly id: string;
    readonly double_puppet_token?: string;
    readonly bot: { readonly localpart: string };
  };
}

/**
 * The double-puppet registration file for `config`, or null when it has no
 * `appservice.double_puppet_token`. Its hs_token is derived from the as_token (no transactions
 * are ever sent with it), so regenerating gives the same file.
 *
 * @example
 * const yaml = renderDoublePuppetRegistration(config);
 * if (yaml) writeFileSync('double-puppet.yaml', yaml, { mode: 0o600 });
 */
export function renderDoublePuppetRegistration(config: DoublePuppetSource): string | null {
  const token = config.appservice.double_puppet_token;
  if (!token) return null;
  const domain = escapeRegex(config.homeserver.domain);
  const doc = new Document({
    id: `${config.appservice.id}-double-puppet`,
    url: null,
    as_token: token,
    hs_token: createHash('sha256').update(`switchboard double puppet ${token}`).digest('hex'),
    sender_localpart: `${config.appservice.bot.localpart}-double-puppet`,
    rate_limited: false,
    namespaces: { users: [{ regex: `^@.*:${domain}$`, exclusive: false }], aliases: [], rooms: [] },
  });
  doc.commentBefore =
    ' Switchboard double puppeting: lets the bridge post as the local users themselves what they\n' +
    ' sent from another device. Register it with the homeserver next to registration.yaml; its\n' +
    ' as_token is appservice.double_puppet_token in the bridge config. Keep it secret: it can act as\n' +
    ' any user of this homeserver.';
  return doc.toString({ lineWidth: 0 });
}
