/**
 * The IRC module through the conformance kit, against a real InspIRCd (with Atheme for the SASL
 * login) and a real Synapse; a plain IRC client is the remote side (see conformance-driver.ts).
 * IRC has no reactions or redactions: the kit checks the core's "not supported" notices for them.
 * The module's README shows the table this run proves.
 */
import path from 'node:path';
import ircModule from '../../../bridges/irc';
import { describeConformance } from '../../../src/testing';
import { ircDriver, IrcRemote } from './conformance-driver';

jest.setTimeout(180_000);

let remote: IrcRemote | undefined;

// Declared before the kit's suite, so the IRC server runs before the kit reads the driver's config.
beforeAll(async () => {
  remote = await IrcRemote.start();
}, 60_000);
afterAll(async () => {
  await remote?.stop();
});

describeConformance({
  module: ircModule,
  driver: ircDriver(() => {
    if (!remote) throw new Error('the IRC server is not running');
    return remote;
  }),
  readme: path.join(__dirname, '../../../bridges/irc/README.md'),
});
