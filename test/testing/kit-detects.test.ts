import exampleModule from '../../bridges/example';
import type { ExampleConfig } from '../../bridges/example/config';
import type { BridgeModule, RemoteEvent, RemoteSession } from '../../src/sdk';
import { runConformance, type ConformanceReport, type Feature } from '../../src/testing';
import { exampleDriver } from './example-driver';

jest.setTimeout(120_000);

/**
 * Text parts carry the raw remote text as HTML, our own messages come back with a new id, and
 * replies lose what they answer.
 */
function sabotage(ev: RemoteEvent): RemoteEvent {
  if (ev.type !== 'message') return ev;
  const { replyTo: _lost, ...rest } = ev;
  const parts = ev.parts.map((p) => (p.kind === 'text' ? { ...p, html: p.text } : p));
  return { ...rest, parts, id: ev.sender.isFromMe ? `${ev.id}-again` : ev.id };
}

/**
 * The example module with the mistakes module authors make: an edit and a read marker that never
 * reach the network, reactions implemented but declared unsupported, typing declared but not
 * implemented, unescaped remote text, no echo recognition, replies that lose their target.
 * Redactions are left out and declared so: that one is a correct "not supported".
 */
const broken: BridgeModule<ExampleConfig> = {
  ...exampleModule,
  manifest: {
    ...exampleModule.manifest,
    capabilities: { ...exampleModule.manifest.capabilities, reactions: false, redactions: false },
  },
  create(ctx) {
    const connector = exampleModule.create({ ...ctx, emit: (ev) => ctx.emit(sabotage(ev)) });
    return {
      ...connector,
      loadLogin(login): RemoteSession {
        const { redactMessage: _gone, setTyping: _none, ...session } = connector.loadLogin(login);
        return { ...session, editMessage: async () => undefined, markRead: async () => undefined };
      },
    };
  },
};

describe('the conformance kit on a broken module', () => {
  let report: ConformanceReport;
  const status = (feature: Feature, direction: 'in' | 'out') =>
    report.results.find((r) => r.feature === feature && r.direction === direction);

  beforeAll(async () => {
    report = await runConformance({ module: broken, driver: exampleDriver, timeoutMs: 3000, print: false });
  });

  it('fails the run and passes what works', () => {
    expect(report.passed).toBe(false);
    for (const [f, d] of [
      ['login', 'out'],
      ['chat', 'out'],
      ['text', 'in'],
      ['text', 'out'],
      ['edits', 'in'],
      ['restart', 'out'],
      ['restart', 'in'],
    ] as const)
      expect(status(f, d)).toMatchObject({ status: 'passed' });
  });

  it('catches an edit that never reaches the network', () => {
    expect(status('edits', 'out')).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('never received the edit'),
    });
  });

  it('catches a capability declared missing but implemented', () => {
    expect(status('reactions', 'out')).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('declares reactions: false, but the session implements sendReaction'),
    });
    expect(status('reactions', 'in')).toMatchObject({ status: 'not_applicable' });
  });

  it('accepts the core\'s "not supported" notice for a capability declared missing', () => {
    expect(status('redactions', 'out')).toMatchObject({ status: 'not_supported' });
  });

  it('catches unescaped remote text and echoes bridged back', () => {
    expect(status('escaping', 'in')).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('"<b>raw</b>" as markup'),
    });
    expect(status('echo', 'in')).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('2 copies'),
    });
  });

  it('catches replies that lose their target, typing without setTyping and lost read markers', () => {
    expect(status('replies', 'in')).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('no a ghost’s reply to the kit user’s message'),
    });
    expect(status('typing', 'out')).toMatchObject({
      status: 'failed',
      detail: 'the manifest declares typing, but the session has no setTyping',
    });
    expect(status('receipts', 'out')).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('never received a read marker'),
    });
  });

  it('shows all of it in the feature table', () => {
    expect(report.table).toContain('| Edits | ❌ | ✅ |');
    expect(report.table).toContain('| Reactions | ❌ | — |');
    expect(report.table).toContain('| Redactions | 🚫 not supported | — |');
    expect(report.table).toContain('| Hostile text escaped | — | ❌ |');
    expect(report.table).toContain('| Typing | ❌ | — |');
  });
});
