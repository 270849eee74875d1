/**
 * Builds appservice registration YAML for harness tests. The product has its own generator in src/;
 * this one exists so the harness can be tested without it.
 */
import { randomBytes } from 'node:crypto';
import YAML from 'yaml';

export interface NamespaceEntry {
  exclusive: boolean;
  regex: string;
}

export interface TestRegistration {
  id: string;
  url: string | null;
  as_token: string;
  hs_token: string;
  sender_localpart: string;
  namespaces: { users: NamespaceEntry[]; aliases: NamespaceEntry[]; rooms: NamespaceEntry[] };
  // Synapse would otherwise rate-limit the appservice's users to 0.2 messages/s.
  rate_limited: false;
  receive_ephemeral: true;
}

export interface TestRegistrationOptions {
  /** Where Synapse pushes transactions; null for an appservice that only sends. */
  url: string | null;
  serverName: string;
  id?: string;
  senderLocalpart?: string;
  /** Localpart prefix of the exclusive user and alias namespaces. */
  prefix?: string;
}

/** A registration with fresh random tokens and exclusive `@<prefix>…` / `#<prefix>…` namespaces. */
export function testRegistration(opts: TestRegistrationOptions): TestRegistration {
  const prefix = opts.prefix ?? '_sb_';
  const server = escapeRegex(opts.serverName);
  return {
    id: opts.id ?? 'switchboard-test',
    url: opts.url,
    as_token: randomBytes(24).toString('hex'),
    hs_token: randomBytes(24).toString('hex'),
    sender_localpart: opts.senderLocalpart ?? 'switchboard',
    namespaces: {
      users: [{ exclusive: true, regex: `^@${escapeRegex(prefix)}.*:${server}$` }],
      aliases: [{ exclusive: true, regex: `^#${escapeRegex(prefix)}.*:${server}$` }],
      rooms: [],
    },
    rate_limited: false,
    receive_ephemeral: true,
  };
}

export function registrationYaml(registration: TestRegistration): string {
  return YAML.stringify(registration);
}

/** Escapes a literal for Python's `re`, which Synapse matches namespaces with. */
function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
