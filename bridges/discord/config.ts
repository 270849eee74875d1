import type { JsonSchema, ModuleContext } from '../../src/sdk';

/**
 * The `bridges.discord` section. `ghost_prefix` / `alias_prefix` are core keys (defaults
 * `discord_`), so aliases look like `#discord_<guild id>_<channel id>:<domain>`.
 */
export interface DiscordConfig {
  /** The bot token; leave it out to read it from the environment variable `bot_token_env`. */
  bot_token?: string;
  bot_token_env: string;
  /** Guild ids that may be bridged; `"*"` allows every guild the bot is in. */
  guilds: string[];
  /** Whether joining `#discord_<guild>_<channel>` creates the portal on demand. */
  portals_on_demand: boolean;
  /** Name of the webhook the bridge creates in each channel to show Matrix users. */
  webhook_name: string;
  /** Off: Matrix users are relayed as `**Name**: text` by the bot even where webhooks are allowed. */
  use_webhooks: boolean;
  /** How many of a channel's latest messages a new portal room starts with (0: none). */
  backfill_messages: number;
  /** Matrix users told in their management room when the bot cannot connect (bad token, intents). */
  admins: string[];
  /** REST API base (tests point this at a fake Discord). */
  api_url?: string;
  /** CDN base; attachments and avatars are downloaded only from this host and Discord's own. */
  cdn_url?: string;
}

export type DiscordContext = ModuleContext<DiscordConfig>;

const properties = {
  bot_token: { type: 'string', minLength: 20, description: 'Discord bot token (Developer Portal → Bot).' },
  bot_token_env: {
    type: 'string',
    pattern: '^[A-Z_][A-Z0-9_]*$',
    default: 'DISCORD_BOT_TOKEN',
    description: 'Environment variable holding the bot token when bot_token is not set.',
  },
  guilds: {
    type: 'array',
    items: { type: 'string', pattern: '^(\\d{15,21}|\\*)$' },
    default: [],
    description: 'Ids of the Discord servers (guilds) that may be bridged, or "*" for all.',
  },
  portals_on_demand: {
    type: 'boolean',
    default: true,
    description: 'Create a portal when someone joins #<alias_prefix><guild id>_<channel id>:<domain>.',
  },
  webhook_name: {
    type: 'string',
    minLength: 1,
    maxLength: 80,
    default: 'Switchboard',
    description: 'Name of the per-channel webhook that shows Matrix users with their name and avatar.',
  },
  use_webhooks: {
    type: 'boolean',
    default: true,
    description: 'Use webhooks for Matrix users; off relays them through the bot as "**Name**: text".',
  },
  backfill_messages: {
    type: 'integer',
    minimum: 0,
    maximum: 100,
    default: 20,
    description:
      "How many of a channel's latest messages a new portal room starts with; 0 turns history off.",
  },
  admins: {
    type: 'array',
    items: { type: 'string', pattern: '^@[^:]+:.+$' },
    default: [],
    description: 'Matrix users notified when the bot cannot connect (invalid token, missing intents).',
  },
  api_url: {
    type: 'string',
    format: 'http-url',
    description: 'Override of https://discord.com/api (tests).',
  },
  cdn_url: {
    type: 'string',
    format: 'http-url',
    description: 'Override of https://cdn.discordapp.com (tests).',
  },
};

/** The JSON schema of {@link DiscordConfig}; the core fills in the defaults. */
export const configSchema: JsonSchema = { type: 'object', additionalProperties: false, properties };

export const sampleConfig: DiscordConfig = {
  bot_token_env: 'DISCORD_BOT_TOKEN',
  guilds: ['123456789012345678'],
  portals_on_demand: true,
  webhook_name: 'Switchboard',
  use_webhooks: true,
  backfill_messages: 20,
  admins: [],
};

/** The configured token, from the config or the environment; undefined when neither has one. */
export function botToken(config: DiscordConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return config.bot_token ?? (env[config.bot_token_env]?.trim() || undefined);
}

/** Discord's own media hosts plus the configured CDN: the only places media is fetched from. */
export function mediaHosts(config: DiscordConfig): Set<string> {
  const hosts = new Set(['cdn.discordapp.com', 'media.discordapp.net']);
  if (config.cdn_url) hosts.add(new URL(config.cdn_url).host);
  return hosts;
}
