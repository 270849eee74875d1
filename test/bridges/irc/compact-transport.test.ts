import { CompactNetTransport } from '../../../bridges/irc/compact-transport';

describe('CompactNetTransport', () => {
  it('emits the lines and keeps only the unfinished tail, not the whole chunk', () => {
    const t = new CompactNetTransport({});
    const lines: string[] = [];
    t.on('line', (l: string) => lines.push(l));
    t.incoming_buffer = Buffer.alloc(0);
    const chunk = Buffer.from(`${':a JOIN #c\r\n'.repeat(5000)}:b PRIV`);
    t.onSocketData(chunk);
    expect(lines).toHaveLength(5000);
    expect(t.incoming_buffer.toString()).toBe(':b PRIV');
    // A copy: the 60 KiB chunk is not kept alive by the tail.
    expect(t.incoming_buffer.buffer).not.toBe(chunk.buffer);
    expect(t.incoming_buffer.byteLength).toBe(7);
    t.onSocketData(Buffer.from('MSG #c :hi\r\n'));
    expect(lines.at(-1)).toBe(':b PRIVMSG #c :hi\r\n');
    expect(t.incoming_buffer.length).toBe(0);
    expect(t.incoming_buffer.buffer.byteLength).toBeLessThan(chunk.length);
  });
});
