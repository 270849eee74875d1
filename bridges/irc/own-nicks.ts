/**
 * The nicks our own connections use, and used a moment ago: their lines are never bridged back. A
 * QUIT or NICK of ours can reach another of our connections after the connection itself has closed
 * or renamed, and must not become a ghost either.
 */
import { fold } from './ids';

/** How long a nick we dropped still counts as ours. */
const FORMER_MS = 60_000;
/** Beyond this many dropped nicks the memory starts over rather than grow. */
const MAX_FORMER = 10_000;

export class OwnNicks<C> {
  /** Folded nick → our connection using it. */
  private readonly current = new Map<string, C>();
  /** Folded nick → until when it still counts as ours. */
  private readonly former = new Map<string, number>();

  connOf(nick: string): C | undefined {
    return this.current.get(fold(nick));
  }

  /** Whether `nick` is, or was a moment ago, one of ours. */
  has(nick: string): boolean {
    const key = fold(nick);
    if (this.current.has(key)) return true;
    const until = this.former.get(key);
    if (until !== undefined && until < Date.now()) this.former.delete(key);
    return until !== undefined && until >= Date.now();
  }

  registered(conn: C, nick: string): void {
    this.current.set(fold(nick), conn);
  }

  /** A NICK line: ours only if `conn` holds the old nick (our other connections see it too). */
  renamed(conn: C, nick: string, newNick: string): void {
    if (this.current.get(fold(nick)) !== conn) return;
    this.release(fold(nick));
    this.current.set(fold(newNick), conn);
  }

  /** `conn` dropped (reconnecting or closed). */
  dropped(conn: C): void {
    for (const [key, c] of this.current) if (c === conn) this.release(key);
  }

  private release(key: string): void {
    this.current.delete(key);
    if (this.former.size > MAX_FORMER) this.former.clear();
    this.former.set(key, Date.now() + FORMER_MS);
  }
}
