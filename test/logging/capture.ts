import { Writable } from 'node:stream';

/** A stream that keeps what a logger writes; `text()` waits for winston's piping to finish. */
export function captureStream(isTTY = false): Writable & { text(): Promise<string> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, {
    isTTY,
    async text(): Promise<string> {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      return chunks.join('');
    },
  });
}
