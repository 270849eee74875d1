/**
 * The homeserver stand-in for the core-overhead bench, run as its own process (forked by the
 * bridge process, driven over IPC) so its CPU is not charged to the bridge:
 * - a loopback HTTP sink answering the client-server API calls the bridge makes, and timing
 *   every `PUT /rooms/{id}/send/...` it receives;
 * - an appservice transaction sender behaving like Synapse: at most 100 events per
 *   transaction, one transaction in flight, the next one sent as soon as the previous is acked.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowMs, TimeLog } from './stats';

export const DOMAIN = 'bench.test';
export const roomId = (j: number) => `!room${j}:${DOMAIN}`;
export const userId = (k: number) => `@user${k}:${DOMAIN}`;
/** The text the bench module puts in remote messages; the sink reads phase and index back. */
export const remoteText = (phase: string, i: number) => `bench:${phase}:${i} lorem ipsum dolor sit amet`;
/** Matrix event ids the sender mints: `$<phase>.<index>`. */
export const eventId = (phase: string, i: number) => `$${phase}.${i}`;

export type PeerRequest =
  | { cmd: 'init'; asUrl: string; hsToken: string }
  | { cmd: 'members'; rooms: number; users: number }
  | { cmd: 'burst'; phase: string; seconds: number; rooms: number; users: number }
  | { cmd: 'rate'; phase: string; rate: number; seconds: number; rooms: number; users: number }
  | { cmd: 'arrivals'; phase: string }
  | { cmd: 'stats' };

export interface SendReport {
  readonly sent: number;
  readonly txns: number;
  readonly startMs: number;
  readonly endMs: number;
  /** Per event index: when the transaction carrying it was started. */
  readonly txnStart: number[];
  /** Per transaction: request start to response end (what the homeserver waits). */
  readonly ackMs: number[];
  readonly errors: number;
}

type Json = Record<string, unknown>;

const arrivals = new Map<string, TimeLog>();
const routes = new Map<string, number>();
const registered = new Set<string>();
let eventCounter = 0;
let roomCounter = 0;
let as: { url: URL; hsToken: string } | null = null;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function count(route: string): void {
  routes.set(route, (routes.get(route) ?? 0) + 1);
}

function reply(res: http.ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const TEXT = /bench:([a-z0-9]+):(\d+)/;

/** Answers one client-server API call; only what the bridge's hot and set-up paths need. */
function route(method: string, path: string, body: string, res: http.ServerResponse): void {
  const p = path.replace(/^\/_matrix\/client\/(v3|v1|r0)/, '');
  let m: RegExpExecArray | null;
  if (method === 'PUT' && /^\/rooms\/[^/]+\/send\//.test(p)) {
    const t = nowMs();
    count('send');
    const hit = TEXT.exec(body);
    if (hit) {
      const phase = hit[1] as string;
      let log = arrivals.get(phase);
      if (!log) arrivals.set(phase, (log = new TimeLog()));
      log.set(Number(hit[2]), t);
    }
    return reply(res, 200, { event_id: `$sink${++eventCounter}` });
  }
  if (method === 'POST' && p === '/register') {
    count('register');
    const username = String((JSON.parse(body || '{}') as Json).username);
    if (registered.has(username)) return reply(res, 400, { errcode: 'M_USER_IN_USE', error: 'taken' });
    registered.add(username);
    return reply(res, 200, { user_id: `@${username}:${DOMAIN}` });
  }
  if ((m = /^\/profile\/([^/]+)(\/.*)?$/.exec(p))) {
    count(`profile ${method}`);
    if (method === 'GET')
      return reply(res, 200, { displayname: decodeURIComponent(m[1] as string).slice(1, 6) });
    return reply(res, 200, {});
  }
  if (method === 'POST' && p === '/createRoom') {
    count('createRoom');
    return reply(res, 200, { room_id: `!created${++roomCounter}:${DOMAIN}` });
  }
  if ((m = /^\/join\/([^/]+)$/.exec(p))) {
    count('join');
    return reply(res, 200, { room_id: decodeURIComponent(m[1] as string) });
  }
  if ((m = /^\/rooms\/([^/]+)\/(invite|leave|kick|receipt|typing|redact)/.exec(p))) {
    count(m[2] as string);
    return reply(res, 200, m[2] === 'redact' ? { event_id: `$sink${++eventCounter}` } : {});
  }
  if (/^\/rooms\/[^/]+\/state\//.test(p)) {
    count(`state ${method}`);
    if (method === 'PUT') return reply(res, 200, { event_id: `$sink${++eventCounter}` });
    return reply(res, 404, { errcode: 'M_NOT_FOUND', error: 'no state' });
  }
  if (/^\/rooms\/[^/]+\/joined_members$/.test(p)) {
    count('joined_members');
    return reply(res, 200, { joined: {} });
  }
  if (/^\/appservice\/[^/]+\/ping$/.test(p)) {
    count('ping');
    return reply(res, 200, { duration_ms: 0 });
  }
  count(`unknown ${method} ${p.replace(/\/[!@$#%][^/]*/g, '/…')}`);
  return reply(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'unrecognised' });
}

function sink(): http.Server {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      route(req.method ?? 'GET', q < 0 ? url : url.slice(0, q), Buffer.concat(chunks).toString(), res);
    });
  });
  server.keepAliveTimeout = 120_000;
  return server;
}

/** PUT one transaction; resolves when the bridge answered 200 (retries otherwise, like Synapse). */
async function sendTxn(txnId: string, events: Json[]): Promise<number> {
  const target = as as { url: URL; hsToken: string };
  const body = JSON.stringify({ events });
  let errors = 0;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      const req = http.request(
        {
          host: target.url.hostname,
          port: target.url.port,
          method: 'PUT',
          path: `/_matrix/app/v1/transactions/${encodeURIComponent(txnId)}`,
          agent,
          headers: {
            authorization: `Bearer ${target.hsToken}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
    if (status === 200) return errors;
    errors++;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function messageEvent(phase: string, i: number, rooms: number, users: number): Json {
  return {
    type: 'm.room.message',
    event_id: eventId(phase, i),
    room_id: roomId(i % rooms),
    sender: userId(Math.floor(i / rooms) % users),
    origin_server_ts: Date.now(),
    content: { msgtype: 'm.text', body: `Matrix message ${i} of phase ${phase}: lorem ipsum dolor sit amet` },
    unsigned: { age: 0 },
  };
}

let txnCounter = 0;

/**
 * Sends events from `next` as the homeserver would: whatever is queued (≤ 100) goes in one
 * transaction, one transaction at a time.
 */
async function pump(
  phase: string,
  take: (max: number) => Promise<Json[] | null>,
  report: { txnStart: TimeLog; ackMs: number[]; sent: number; txns: number; errors: number },
): Promise<void> {
  for (;;) {
    const batch = await take(100);
    if (!batch) return;
    const t = nowMs();
    for (const ev of batch) {
      const id = String(ev.event_id);
      report.txnStart.set(Number(id.slice(id.lastIndexOf('.') + 1)), t);
    }
    report.errors += await sendTxn(`${phase}-${process.pid}-${++txnCounter}`, batch);
    report.ackMs.push(nowMs() - t);
    report.sent += batch.length;
    report.txns++;
  }
}

function toReport(
  r: { txnStart: TimeLog; ackMs: number[]; sent: number; txns: number; errors: number },
  startMs: number,
): SendReport {
  return {
    sent: r.sent,
    txns: r.txns,
    startMs,
    endMs: nowMs(),
    txnStart: r.txnStart.toArray(),
    ackMs: r.ackMs,
    errors: r.errors,
  };
}

const newReport = () => ({ txnStart: new TimeLog(), ackMs: [] as number[], sent: 0, txns: 0, errors: 0 });

/** Closed loop: back-to-back transactions of 100 events for `seconds`. */
async function burst(phase: string, seconds: number, rooms: number, users: number): Promise<SendReport> {
  const report = newReport();
  const start = nowMs();
  const stopAt = start + seconds * 1000;
  let i = 0;
  await pump(
    phase,
    async (max) => {
      if (nowMs() >= stopAt) return null;
      const batch: Json[] = [];
      while (batch.length < max) batch.push(messageEvent(phase, i++, rooms, users));
      return batch;
    },
    report,
  );
  return toReport(report, start);
}

/** Open-loop generation at `rate` events/s; the pump sends what has accumulated. */
async function atRate(
  phase: string,
  rate: number,
  seconds: number,
  rooms: number,
  users: number,
): Promise<SendReport> {
  const report = newReport();
  const total = Math.round(rate * seconds);
  const queue: Json[] = [];
  let generated = 0;
  let wake: (() => void) | null = null;
  const start = nowMs();
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((nowMs() - start) * rate) / 1000));
    while (generated < due) queue.push(messageEvent(phase, generated++, rooms, users));
    if (generated >= total) clearInterval(timer);
    if (queue.length > 0 && wake) {
      wake();
      wake = null;
    }
  }, 1);
  await pump(
    phase,
    async (max) => {
      while (queue.length === 0) {
        if (generated >= total) return null;
        await new Promise<void>((r) => (wake = r));
      }
      return queue.splice(0, max);
    },
    report,
  );
  return toReport(report, start);
}

async function members(rooms: number, users: number): Promise<SendReport> {
  const report = newReport();
  const start = nowMs();
  const all: Json[] = [];
  for (let j = 0; j < rooms; j++)
    for (let k = 0; k < users; k++)
      all.push({
        type: 'm.room.member',
        event_id: eventId('member', j * users + k),
        room_id: roomId(j),
        sender: userId(k),
        state_key: userId(k),
        origin_server_ts: Date.now(),
        content: { membership: 'join', displayname: `User ${k}` },
      });
  await pump('member', async (max) => (all.length ? all.splice(0, max) : null), report);
  return toReport(report, start);
}

async function handle(msg: PeerRequest): Promise<unknown> {
  switch (msg.cmd) {
    case 'init':
      as = { url: new URL(msg.asUrl), hsToken: msg.hsToken };
      return {};
    case 'members':
      return members(msg.rooms, msg.users);
    case 'burst':
      return burst(msg.phase, msg.seconds, msg.rooms, msg.users);
    case 'rate':
      return atRate(msg.phase, msg.rate, msg.seconds, msg.rooms, msg.users);
    case 'arrivals':
      return { times: arrivals.get(msg.phase)?.toArray() ?? [] };
    case 'stats':
      return { routes: Object.fromEntries(routes) };
  }
}

/** Entry point of the peer process. */
export async function runPeer(): Promise<void> {
  const server = sink();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', (raw: { id: number; req: PeerRequest }) => {
    handle(raw.req).then(
      (result) => process.send?.({ id: raw.id, result }),
      (err: unknown) => process.send?.({ id: raw.id, error: String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: (server.address() as AddressInfo).port });
}
