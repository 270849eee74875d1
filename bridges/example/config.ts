import type { JsonSchema, ModuleContext } from '../../src/sdk';

/**
 * The `bridges.example` config section: the scripted `contacts` (each login has a DM with every
 * one of them; they all sit in the lobby), and how long in milliseconds the fake network takes
 * to react (a contact's answer, the login QR code "scanning" itself).
 */
export type ExampleConfig = { contacts: string[]; reply_delay_ms: number };

/** The context the core hands this module. */
export type ExampleContext = ModuleContext<ExampleConfig>;

const properties = {
  contacts: { type: 'array', items: { type: 'string', pattern: '^[a-z]{2,16}$' }, default: ['alice', 'bob'] },
  reply_delay_ms: { type: 'integer', minimum: 0, maximum: 60000, default: 200 },
};
/** The JSON schema of {@link ExampleConfig}; the core fills in the defaults, and the sample config shows them. */
export const configSchema: JsonSchema = { type: 'object', additionalProperties: false, properties };
