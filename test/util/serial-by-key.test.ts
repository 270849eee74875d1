import { SerialByKey } from '../../src/util/serial-by-key';

const tick = () => new Promise((r) => setImmediate(r));

describe('SerialByKey', () => {
  it('runs one key in order and other keys alongside, handing each caller its own result', async () => {
    const s = new SerialByKey();
    const log: string[] = [];
    let release = () => undefined as void;
    const first = s.run('a', () =>
      new Promise<string>((r) => (release = () => r('a1'))).finally(() => log.push('a1')),
    );
    const second = s.run('a', async () => {
      log.push('a2');
    });
    const other = s.run('b', async () => {
      log.push('b1');
    });
    await other;
    await tick();
    expect(log).toEqual(['b1']); // a2 waits behind a1
    release();
    await expect(first).resolves.toBe('a1');
    await second;
    expect(log).toEqual(['b1', 'a1', 'a2']);
  });

  it('goes on after a failure, which only its caller sees, and forgets finished keys', async () => {
    const s = new SerialByKey();
    const failed = s.run('a', async () => Promise.reject(new Error('boom')));
    const next = s.run('a', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await tick();
    expect(s.size).toBe(0);
  });
});
