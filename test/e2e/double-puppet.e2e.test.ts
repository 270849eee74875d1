import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { contactDoes, contactSays, exampleClient } from '../support/example-contacts';
import { registrationFor } from '../../src/cli/commands';
import { doctor } from '../../src/cli/doctor';
import { DOUBLE_PUPPET_KEY } from '../../src/matrix/double-puppet';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import { startBridgeHarness, type BridgeHarness } from '../support/bridge-harness';
import { body, exampleUserWithChat, waitForText } from './e2e-helpers';

jest.setTimeout(120_000);

/**
 * Double puppeting against a real Synapse with both registrations: what the logged-in user
 * sends from another device appears from their own Matrix account (not their account's ghost),
 * marked, and its echo from the homeserver is not sent back to the network.
 */
describe('double puppeting (example network)', () => {
  let h: BridgeHarness;
  let dana: TestMatrixClient;
  let portal: string;
  let loginId: string;
  const ownGhost = '@example_dana:switchboard.test';

  beforeAll(async () => {
    h = await startBridgeHarness({
      doublePuppet: true,
      bridges: { example: { enabled: true, contacts: ['alice'], reply_delay_ms: 20 } },
    });
    ({ client: dana, portal, loginId } = await exampleUserWithChat(h, 'dana', 'alice'));
  });
  afterAll(() => h?.stop());

  it("shows the user's message from their phone as the user, and does not send it back", async () => {
    const remoteId = await contactSays(loginId, 'dana', 'sent from my phone', 'dm:alice');
    const event = await waitForText(dana, portal, 'sent from my phone', dana.userId);
    expect(event.content).toMatchObject({ [DOUBLE_PUPPET_KEY]: 'example' });
    expect(await h.bridge.store.messages.byEventId(event.event_id)).toMatchObject({
      remote_id: remoteId,
      sender_mxid: dana.userId,
    });

    // The homeserver hands the event back as dana's: nothing goes out, so alice never answers.
    await new Promise((r) => setTimeout(r, 1000));
    await h.bridge.idle();
    const seen = exampleClient(loginId).seen;
    expect(seen.filter((s) => s.includes('sent from my phone'))).toEqual([]);
    const texts = (await dana.messages(portal, { limit: 30 })).map(body);
    expect(texts.filter((t) => t.includes('sent from my phone'))).toEqual(['sent from my phone']);
    await expect(dana.getState(portal, 'm.room.member', ownGhost)).rejects.toThrow();
  });

  it("never speaks as the user for anyone else: a contact's message stays the contact's ghost", async () => {
    await contactSays(loginId, 'alice', 'alice, unprompted', 'dm:alice');
    const event = await waitForText(dana, portal, 'alice, unprompted');
    expect(event.sender).toBe('@example_alice:switchboard.test');
    expect(event.content).not.toHaveProperty(DOUBLE_PUPPET_KEY);
  });

  it('edits from the phone come from the user too', async () => {
    const id = await contactSays(loginId, 'dana', 'typo from my phnoe', 'dm:alice');
    const original = await waitForText(dana, portal, 'typo from my phnoe', dana.userId);
    await contactDoes(loginId, 'dm:alice', 'dana', {
      type: 'edit',
      targetId: id,
      parts: [{ kind: 'text', text: 'typo from my phone' }],
    });
    const edit = await waitForText(dana, portal, '* typo from my phone', dana.userId);
    expect(edit.content).toMatchObject({
      [DOUBLE_PUPPET_KEY]: 'example',
      'm.relates_to': { rel_type: 'm.replace', event_id: original.event_id },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(exampleClient(loginId).seen.filter((s) => s.startsWith('edit'))).toEqual([]);
  });

  it('deletions from the phone too: redacted by the user, and not sent back', async () => {
    const id = await contactSays(loginId, 'dana', 'delete me, phone', 'dm:alice');
    const original = await waitForText(dana, portal, 'delete me, phone', dana.userId);
    await contactDoes(loginId, 'dm:alice', 'dana', { type: 'redaction', targetId: id });
    const redaction = await dana.waitForEvent(
      portal,
      (e) => e.type === 'm.room.redaction' && (e as { redacts?: string }).redacts === original.event_id,
    );
    expect(redaction.sender).toBe(dana.userId);
    expect(redaction.content).toMatchObject({ [DOUBLE_PUPPET_KEY]: 'example' });
    await new Promise((r) => setTimeout(r, 500));
    expect(exampleClient(loginId).seen.filter((s) => s.startsWith('redact'))).toEqual([]);
  });

  it('doctor checks that the homeserver knows the double-puppet token', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-dp-doctor-'));
    try {
      const run = async (token: string) => {
        const config = { ...h.config, appservice: { ...h.config.appservice, double_puppet_token: token } };
        writeFileSync(path.join(dir, 'config.yaml'), stringify(config));
        writeFileSync(path.join(dir, 'registration.yaml'), registrationFor(config));
        const lines: string[] = [];
        await doctor(path.join(dir, 'config.yaml'), path.join(dir, 'registration.yaml'), {
          out: (l) => lines.push(l),
          err: (l) => lines.push(l),
        });
        return lines.find((l) => l.includes('double puppeting'));
      };
      expect(await run(h.config.appservice.double_puppet_token as string)).toMatch(
        /^✓ double puppeting: .* accepts the double-puppet token/,
      );
      expect(await run('0123456789abcdef0123456789abcdef')).toMatch(
        /^✗ double puppeting: .*register double-puppet\.yaml/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
