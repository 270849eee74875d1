import type { JsonSchema, ModuleContext } from '../../../sdk';

/** The `bridges.tmplnet` section of config.yaml (the core's own keys, like `enabled`, are not in it). */
export type TmplnetConfig = { server: string };

/** The context the core hands this module. */
export type TmplnetContext = ModuleContext<TmplnetConfig>;

/** Checked by the core at start-up; `default`s are filled in before the module sees the config. */
export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { server: { type: 'string', default: 'fake://tmplnet' } },
};

/** What `switchboard` writes into a generated sample config. */
export const sampleConfig: TmplnetConfig = { server: 'fake://tmplnet' };
