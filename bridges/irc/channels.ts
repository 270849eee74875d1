/**
 * What the bridge knows about the bridged channels of one network: which of its own connections
 * (bot, puppets) are in each, which of them is the channel's listener, and who else is there.
 *
 * Every connection in a channel receives every line of it. Only the elected listener's copy is
 * turned into Matrix events, so a line seen by 500 puppets enters Matrix once without 500 emits
 * and database look-ups. The bot is preferred (it is in every bridged channel and rarely leaves);
 * otherwise the connection that joined first. A new election happens whenever one of our
 * connections joins, leaves or drops, so the channel is relayed as long as any of them is in it.
 */
import { fold } from './ids';

/** The connection identity the registry needs: stable object identity, and whether it is the bot. */
export interface Listener {
  readonly isBot: boolean;
}

export interface Member {
  /** The nick as the server spells it now. */
  nick: string;
  /** Channel prefix mode letters the member holds (`o`, `v`, ...; roles.ts), from NAMES and MODE. */
  modes?: string;
}

export class ChannelState<C extends Listener> {
  /** IRC users other than our own connections, by folded nick. */
  readonly members = new Map<string, Member>();
  /** Our connections in the channel, in join order. */
  readonly conns: C[] = [];
  listener: C | undefined;

  constructor(
    /** The channel as the server spells it. */
    public name: string,
  ) {}
}

export class ChannelRegistry<C extends Listener> {
  private readonly channels = new Map<string, ChannelState<C>>();
  /** Channels each connection is in (folded names), to handle QUIT/NICK and drops without a scan. */
  private readonly byConn = new Map<C, Set<string>>();

  get(channel: string): ChannelState<C> | undefined {
    return this.channels.get(fold(channel));
  }

  isListener(conn: C, channel: string): boolean {
    return this.get(channel)?.listener === conn;
  }

  /** Channels (states) where `conn` is the listener. */
  listening(conn: C): ChannelState<C>[] {
    const out: ChannelState<C>[] = [];
    for (const key of this.byConn.get(conn) ?? []) {
      const state = this.channels.get(key);
      if (state?.listener === conn) out.push(state);
    }
    return out;
  }

  /** A member's nick as the server spells it, from any channel that knows it. */
  memberNick(folded: string): string | undefined {
    for (const state of this.channels.values()) {
      const m = state.members.get(folded);
      if (m) return m.nick;
    }
    return undefined;
  }

  /** Whether `conn` is in `channel` (its JOIN came back). */
  isIn(conn: C, channel: string): boolean {
    return this.byConn.get(conn)?.has(fold(channel)) ?? false;
  }

  /** Our connection joined; returns true when it became the listener. */
  joined(conn: C, channel: string): boolean {
    const key = fold(channel);
    let state = this.channels.get(key);
    if (!state) {
      state = new ChannelState<C>(channel);
      this.channels.set(key, state);
    }
    state.name = channel;
    if (!state.conns.includes(conn)) state.conns.push(conn);
    let set = this.byConn.get(conn);
    if (!set) this.byConn.set(conn, (set = new Set()));
    set.add(key);
    return this.elect(state) === conn;
  }

  /** Our connection left (PART, KICK). */
  left(conn: C, channel: string): void {
    const key = fold(channel);
    this.byConn.get(conn)?.delete(key);
    const state = this.channels.get(key);
    if (!state) return;
    const i = state.conns.indexOf(conn);
    if (i >= 0) state.conns.splice(i, 1);
    this.elect(state);
  }

  /** Our connection dropped or quit: it is in no channel any more. */
  dropped(conn: C): void {
    for (const key of this.byConn.get(conn) ?? []) {
      const state = this.channels.get(key);
      if (!state) continue;
      const i = state.conns.indexOf(conn);
      if (i >= 0) state.conns.splice(i, 1);
      this.elect(state);
    }
    this.byConn.delete(conn);
  }

  private elect(state: ChannelState<C>): C | undefined {
    state.listener = state.conns.find((c) => c.isBot) ?? state.conns[0];
    return state.listener;
  }
}

/**
 * Recently bridged line keys: the election's safety net. While the listener changes hands (the bot
 * rejoins after a reconnect while a puppet relayed), one line can reach two listeners.
 */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 2048) {}

  /** True the first time a key is seen (within the last `capacity` keys). */
  fresh(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value as string;
      this.keys.delete(oldest);
    }
    return true;
  }
}
