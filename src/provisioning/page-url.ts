import type { Config } from '../config/types';

/**
 * The public URL of the web page, for the `web` command's link: under `media.public_url` (the
 * bridge's public base URL, also used by the media proxy) when set, else `appservice.address`.
 */
export function pageUrl(config: Config): string {
  const base = (config.media.public_url ?? config.appservice.address).replace(/\/+$/, '');
  return `${base}${config.provisioning.prefix}/`;
}
