import { SendQueue, SendQueueClosedError, SendQueueFullError } from '../../../bridges/irc/send-queue';

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

function queue(opts: { burst?: number; linesPerSecond?: number; maxQueued?: number } = {}) {
  const written: string[] = [];
  const q = new SendQueue((line) => void written.push(line), {
    burst: 2,
    linesPerSecond: 2,
    maxQueued: 10,
    ...opts,
  });
  return { q, written };
}

test('writes nothing until resumed', async () => {
  const { q, written } = queue();
  const sent = q.push(['a']);
  jest.advanceTimersByTime(5000);
  expect(written).toEqual([]);
  q.resume();
  expect(written).toEqual(['a']);
  await sent;
});

test('sends a burst at once, then the configured rate, in order', () => {
  const { q, written } = queue({ burst: 2, linesPerSecond: 2 });
  q.resume();
  void q.push(['1', '2', '3']);
  void q.push(['4', '5']);
  expect(written).toEqual(['1', '2']);
  jest.advanceTimersByTime(499);
  expect(written).toEqual(['1', '2']);
  jest.advanceTimersByTime(1);
  expect(written).toEqual(['1', '2', '3']);
  jest.advanceTimersByTime(1000);
  expect(written).toEqual(['1', '2', '3', '4', '5']);
  expect(q.length).toBe(0);
});

test('the bucket refills while idle, up to the burst size', () => {
  const { q, written } = queue({ burst: 3, linesPerSecond: 1 });
  q.resume();
  void q.push(['a', 'b', 'c']);
  expect(written).toHaveLength(3);
  jest.advanceTimersByTime(60_000);
  void q.push(['d', 'e', 'f', 'g']);
  expect(written).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
});

test('a push resolves when its last line is written', async () => {
  const { q } = queue({ burst: 1, linesPerSecond: 1 });
  q.resume();
  let done = false;
  const sent = q.push(['a', 'b']).then(() => (done = true));
  await Promise.resolve();
  expect(done).toBe(false);
  jest.advanceTimersByTime(1000);
  await sent;
  expect(done).toBe(true);
});

test('front puts lines before everything pending', () => {
  const { q, written } = queue({ burst: 1, linesPerSecond: 1 });
  void q.push(['message 1', 'message 2']);
  void q.push(['JOIN #a,#b'], { front: true });
  q.resume();
  jest.advanceTimersByTime(2000);
  expect(written).toEqual(['JOIN #a,#b', 'message 1', 'message 2']);
});

test('refuses a push that would overflow, as a whole, with a clear error', async () => {
  const { q, written } = queue({ maxQueued: 3 });
  const first = q.push(['1', '2']);
  const refused = q.push(['3', '4']);
  await expect(refused).rejects.toBeInstanceOf(SendQueueFullError);
  await expect(refused).rejects.toThrow('IRC send queue full: 2 lines pending, 2 more refused (limit 3)');
  expect(q.length).toBe(2);
  q.resume();
  await first;
  expect(written).toEqual(['1', '2']);
});

test('pause keeps pending lines; resume starts again with a full bucket', () => {
  const { q, written } = queue({ burst: 2, linesPerSecond: 1 });
  q.resume();
  void q.push(['1', '2', '3', '4', '5']);
  expect(written).toEqual(['1', '2']);
  q.pause();
  jest.advanceTimersByTime(10_000);
  expect(written).toEqual(['1', '2']);
  q.resume();
  expect(written).toEqual(['1', '2', '3', '4']);
});

test('close rejects what is pending and every later push', async () => {
  const { q } = queue();
  const pending = q.push(['a']);
  q.close();
  await expect(pending).rejects.toBeInstanceOf(SendQueueClosedError);
  await expect(q.push(['b'])).rejects.toBeInstanceOf(SendQueueClosedError);
  q.resume();
  expect(q.length).toBe(0);
});

test('a failing write rejects its push and drops the rest of it; other pushes go on', async () => {
  const written: string[] = [];
  const q = new SendQueue(
    (line) => {
      if (line === 'bad') throw new Error('socket gone');
      written.push(line);
    },
    { burst: 10, linesPerSecond: 1, maxQueued: 10 },
  );
  const failing = q.push(['ok 1', 'bad', 'never']);
  const other = q.push(['ok 2']);
  q.resume();
  await expect(failing).rejects.toThrow('socket gone');
  await other;
  expect(written).toEqual(['ok 1', 'ok 2']);
});

test('refuses nonsensical options', () => {
  expect(() => new SendQueue(() => undefined, { burst: 0 })).toThrow(RangeError);
  expect(() => new SendQueue(() => undefined, { linesPerSecond: 0 })).toThrow(RangeError);
  expect(() => new SendQueue(() => undefined, { maxQueued: 0 })).toThrow(RangeError);
});
