/** Shared pieces of the WhatsApp module tests: a recording fake driver factory and test media. */
import type { DriverFactory } from '../../../bridges/whatsapp/driver';
import type { FetchLike } from '../../../bridges/whatsapp/media';
import { createFakeDriverFactory, type FakeWhatsAppDriver } from '../../fakes/whatsapp/fake-driver';
import type { FakeWhatsAppNetwork } from '../../fakes/whatsapp/fake-network';

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** A DriverFactory on `network` that keeps every fake it made, in order. */
export function recordingFactory(network?: FakeWhatsAppNetwork): {
  factory: DriverFactory;
  made: FakeWhatsAppDriver[];
  /** The `index`-th driver made, once it exists. */
  driver(index: number, timeoutMs?: number): Promise<FakeWhatsAppDriver>;
} {
  const fake = createFakeDriverFactory(network);
  const made: FakeWhatsAppDriver[] = [];
  const factory: DriverFactory = (opts) => {
    const d = fake.factory(opts);
    made.push(fake.drivers.get(opts.sessionId) as FakeWhatsAppDriver);
    return d;
  };
  const driver = async (index: number, timeoutMs = 10_000) => {
    const until = Date.now() + timeoutMs;
    while (!made[index]) {
      if (Date.now() > until) throw new Error(`no driver #${index} was made (made ${made.length})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return made[index] as FakeWhatsAppDriver;
  };
  return { factory, made, driver };
}

/** Profile pictures for the module's `fetch`: a PNG for any URL, and the URLs asked for. */
export function fakePictureFetch(): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetch: FetchLike = async (url) => {
    urls.push(url);
    return new Response(new Uint8Array(PNG), { headers: { 'content-type': 'image/png' } });
  };
  return { fetch, urls };
}

export { eventually } from '../../support/eventually';
