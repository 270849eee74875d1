import type { Command } from '../commands/types';
import type { TokenStore } from './token-store';
import { LINK_TTL_MS } from './token-store';

/**
 * `web`: the bot sends a one-time link that signs the user in to the bridge's web page. The
 * code rides in the URL fragment, which browsers never send to servers or proxies' logs.
 */
export function webCommand(tokens: TokenStore, pageUrl: string): Command {
  return {
    name: 'web',
    usage: 'web',
    description: "Get a one-time link to the bridge's web page (log in with a QR code, see your logins).",
    minLevel: 'user',
    available: () => true,
    async run(ctx) {
      const code = await tokens.issueLinkCode(ctx.userId);
      const link = `${pageUrl}#code=${code}`;
      const href = link.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
      const minutes = Math.round(LINK_TTL_MS / 60_000);
      await ctx.reply(
        `Open this link within ${minutes} minutes to sign in to the bridge's web page; it works once and only for you: ${link}`,
        `Open <a href="${href}">this link</a> within ${minutes} minutes to sign in to the bridge's web page; it works once and only for you.`,
      );
    },
  };
}
