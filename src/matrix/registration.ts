import { Document, isMap, isScalar, parse } from 'yaml';
import { DEFAULT_APPSERVICE_PORT } from '../config/defaults';

// The registration is built here rather than with matrix-appservice-bridge's
// AppServiceRegistration: importing matrix-appservice-bridge loads the native crypto binding,
// which cannot be installed here, and the class (in `matrix-appservice`, not a direct
// dependency) does not know `receive_ephemeral`. The tests cross-check our output with it.

/** The config fields a registration is built from; a validated `Config` fits. */
export interface RegistrationSource {
  readonly homeserver: { readonly domain: string };
  readonly appservice: {
    readonly id: string;
    readonly address: string;
    readonly as_token: string;
    readonly hs_token: string;
    readonly bot: { readonly localpart: string };
  };
}

/** Localpart prefixes claimed by the enabled modules, e.g. `irc_` for `@irc_alice:domain`. */
export interface GhostNamespaces {
  readonly users: readonly string[];
  readonly aliases: readonly string[];
}

export interface NamespaceEntry {
  readonly regex: string;
  readonly exclusive: boolean;
}

/** The appservice registration file the homeserver loads (`app_service_config_files`). */
export interface Registration {
  readonly id: string;
  readonly url: string;
  readonly as_token: string;
  readonly hs_token: string;
  readonly sender_localpart: string;
  readonly rate_limited: false;
  readonly receive_ephemeral: true;
  readonly 'de.sorunome.msc2409.push_ephemeral': true;
  readonly namespaces: {
    readonly users: readonly NamespaceEntry[];
    readonly aliases: readonly NamespaceEntry[];
    readonly rooms: readonly NamespaceEntry[];
  };
}

/** `s` matched literally inside a regex (server names in namespace regexes). */
export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function checkPrefix(prefix: string): string {
  // An empty prefix would claim every user on the server.
  if (!/^[a-z0-9._=/+-]+$/.test(prefix))
    throw new Error(`invalid namespace prefix ${JSON.stringify(prefix)}`);
  return prefix;
}

/**
 * Builds the registration: the bot plus one exclusive namespace per ghost and alias prefix,
 * anchored at both ends with the escaped server name so no other server's users match.
 *
 * @example
 * buildRegistration(config, { users: ['irc_'], aliases: ['irc_'] }).namespaces.users[1];
 * // { regex: '^@irc_.*:example\\.org$', exclusive: true }
 */
export function buildRegistration(config: RegistrationSource, namespaces: GhostNamespaces): Registration {
  const domain = escapeRegex(config.homeserver.domain);
  const entries = (sigil: string, prefixes: readonly string[]): NamespaceEntry[] =>
    [...new Set(prefixes.map(checkPrefix))].map((p) => ({
      regex: `^${sigil}${escapeRegex(p)}.*:${domain}$`,
      exclusive: true,
    }));
  const bot = { regex: `^@${escapeRegex(config.appservice.bot.localpart)}:${domain}$`, exclusive: true };
  return {
    id: config.appservice.id,
    url: config.appservice.address,
    as_token: config.appservice.as_token,
    hs_token: config.appservice.hs_token,
    sender_localpart: config.appservice.bot.localpart,
    // Synapse defaults to rate limiting appservices (about 0.2 messages/s per ghost).
    rate_limited: false,
    receive_ephemeral: true,
    'de.sorunome.msc2409.push_ephemeral': true,
    namespaces: {
      users: [bot, ...entries('@', namespaces.users)],
      aliases: entries('#', namespaces.aliases),
      rooms: [],
    },
  };
}

const COMMENTS: Readonly<Record<string, string>> = {
  id: ' Unique on the homeserver; must equal appservice.id in the bridge config.',
  url: ' Where the homeserver sends transactions (appservice.address).',
  as_token: ' Secrets shared with the bridge config: keep this file readable by the homeserver only.',
  sender_localpart: ' The bridge bot: @<sender_localpart>:<server name>.',
  rate_limited: ' Synapse rate-limits appservices unless this is false.',
  receive_ephemeral: ' Typing, receipts and presence (MSC2409); the second key is for older Synapse.',
  namespaces:
    ' Exclusive namespaces: the bot and, per enabled network, its ghost users and room aliases.\n' +
    ' Regenerate this file (switchboard generate-registration) after enabling or disabling a network.',
};

/**
 * The registration as YAML with explanatory comments.
 *
 * @example
 * writeFileSync('registration.yaml', renderRegistrationYaml(buildRegistration(config, namespaces)), { mode: 0o600 });
 */
export function renderRegistrationYaml(reg: Registration): string {
  const doc = new Document(reg);
  doc.commentBefore =
    ' Matrix application service registration for Switchboard.\n' +
    " Synapse: add this file's path to app_service_config_files in homeserver.yaml and restart it.\n" +
    ' Dendrite: app_service_api.config_files in dendrite.yaml. conduwuit: `!admin appservices register`.';
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string') {
        const comment = COMMENTS[pair.key.value];
        if (comment) pair.key.commentBefore = comment;
      }
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * The checked-in `registration.yaml.example`: example.org with the built-in networks.
 *
 * @example
 * writeFileSync('registration.yaml.example', renderRegistrationExample());
 */
export function renderRegistrationExample(): string {
  const prefixes = ['whatsapp_', 'discord_', 'irc_', 'example_'];
  const config: RegistrationSource = {
    homeserver: { domain: 'example.org' },
    appservice: {
      id: 'switchboard',
      address: `http://localhost:${DEFAULT_APPSERVICE_PORT}`,
      as_token: 'CHANGE_ME_same_as_appservice.as_token_in_config.yaml',
      hs_token: 'CHANGE_ME_same_as_appservice.hs_token_in_config.yaml',
      bot: { localpart: 'switchboardbot' },
    },
  };
  return renderRegistrationYaml(buildRegistration(config, { users: prefixes, aliases: prefixes }));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exclusiveRegexes(reg: Record<string, unknown>, kind: 'users' | 'aliases'): RegExp[] {
  const list = isRecord(reg.namespaces) ? reg.namespaces[kind] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown) => {
    if (!isRecord(e) || e.exclusive !== true || typeof e.regex !== 'string') return [];
    try {
      return [new RegExp(e.regex)];
    } catch {
      return [];
    }
  });
}

/**
 * Compares a registration file with what the config (and, when given, the enabled modules'
 * namespaces) needs; returns one human-readable sentence per mismatch, empty when they agree.
 * Namespaces are compared by what they match, so hand-written equivalent regexes pass.
 *
 * @example
 * for (const m of registrationMatches(config, readFileSync('registration.yaml', 'utf8'), ns)) console.log(m);
 */
export function registrationMatches(
  config: RegistrationSource,
  yamlText: string,
  namespaces?: GhostNamespaces,
): string[] {
  let reg: unknown;
  try {
    reg = parse(yamlText);
  } catch (err) {
    return [`the registration is not valid YAML: ${err instanceof Error ? err.message : String(err)}`];
  }
  if (!isRecord(reg)) return ['the registration file is empty or not a mapping'];
  const out: string[] = [];
  const want = buildRegistration(config, namespaces ?? { users: [], aliases: [] });
  const same = (key: keyof Registration, what: string, why: string): void => {
    if (reg[key] !== want[key])
      out.push(`${key} is ${JSON.stringify(reg[key])} but ${what} is ${JSON.stringify(want[key])}: ${why}`);
  };
  same('id', 'appservice.id', 'regenerate the registration or fix the config');
  const trim = (u: unknown): unknown => (typeof u === 'string' ? u.replace(/\/+$/, '') : u);
  if (trim(reg.url) !== trim(want.url)) {
    out.push(
      `url is ${JSON.stringify(reg.url)} but appservice.address is ${JSON.stringify(want.url)}: the homeserver sends events elsewhere`,
    );
  }
  if (reg.as_token !== want.as_token) {
    out.push(
      'as_token differs from appservice.as_token: the homeserver rejects the bridge (M_UNKNOWN_TOKEN)',
    );
  }
  if (reg.hs_token !== want.hs_token) {
    out.push(
      'hs_token differs from appservice.hs_token: the bridge rejects every transaction from the homeserver',
    );
  }
  same('sender_localpart', 'appservice.bot.localpart', 'the bot would not be the appservice sender');
  if (reg.rate_limited !== false) out.push('rate_limited is not false: Synapse then throttles every ghost');
  if (reg.receive_ephemeral !== true && reg['de.sorunome.msc2409.push_ephemeral'] !== true) {
    out.push('receive_ephemeral is not true: typing notifications and read receipts are not bridged');
  }
  const domain = config.homeserver.domain;
  for (const [kind, sigil] of [
    ['users', '@'],
    ['aliases', '#'],
  ] as const) {
    const have = exclusiveRegexes(reg, kind);
    const probes = (kind === 'users' ? [config.appservice.bot.localpart] : []).concat(
      (namespaces?.[kind] ?? []).map((p) => `${p}probe`),
    );
    for (const probe of probes) {
      const id = `${sigil}${probe}:${domain}`;
      if (!have.some((r) => r.test(id))) out.push(`no exclusive ${kind} namespace covers ${id}`);
    }
    // Other servers' look-alikes: a missing `$`, or an unescaped dot in the server name.
    const foreign = ['other.invalid', `${domain}.other.invalid`, domain.replace('.', 'x')].filter(
      (d) => d !== domain,
    );
    for (const r of have) {
      const mine = probes.filter((p) => r.test(`${sigil}${p}:${domain}`));
      const leak = mine.flatMap((p) => foreign.map((d) => `${sigil}${p}:${d}`)).find((id) => r.test(id));
      if (leak) out.push(`${kind} namespace ${r.source} also matches ids of other servers, e.g. ${leak}`);
      if (namespaces && mine.length === 0) {
        out.push(
          `${kind} namespace ${r.source} is not used by any enabled network; regenerate the registration`,
        );
      }
    }
  }
  return out;
}
