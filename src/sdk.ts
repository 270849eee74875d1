/**
 * The public surface for bridge modules. Modules import from here only, never from the
 * rest of `src/`, so the core can change inside without breaking plugins.
 */
export const SDK_VERSION = '1.4.0';

export * from './sdk/errors';
export * from './sdk/ids';
export * from './sdk/remote-events';
export * from './sdk/matrix-message';
export * from './sdk/login';
export * from './sdk/session';
export * from './sdk/module';
export * from './sdk/context';
export * from './sdk/format';
export { SerialByKey } from './util/serial-by-key';
