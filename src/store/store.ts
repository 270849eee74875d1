import type { SecretBox } from '../crypto/secret-box';
import type { Database } from './database';
import { GhostRepo } from './ghost-repo';
import { IngestRepo } from './ingest-repo';
import { KvRepo } from './kv-repo';
import { LoginRepo } from './login-repo';
import { MemberRepo } from './member-repo';
import { MessageRepo } from './message-repo';
import { OutboxRepo } from './outbox-repo';
import { PortalRepo } from './portal-repo';
import { ReactionRepo } from './reaction-repo';
import { UserRepo } from './user-repo';

/** Every repository over one database. */
export class Store {
  readonly portals: PortalRepo;
  readonly ghosts: GhostRepo;
  readonly logins: LoginRepo;
  readonly messages: MessageRepo;
  readonly reactions: ReactionRepo;
  readonly users: UserRepo;
  readonly members: MemberRepo;
  readonly ingest: IngestRepo;
  readonly outbox: OutboxRepo;
  readonly kv: KvRepo;

  constructor(
    readonly db: Database,
    box: SecretBox,
  ) {
    // Grouped statements (see Coalescer): PGlite runs one statement at a time anyway; on
    // Postgres a few run side by side and the pool keeps connections for everything else.
    const group = { maxInFlight: db.kind === 'pglite' ? 1 : 4 };
    this.portals = new PortalRepo(db);
    this.ghosts = new GhostRepo(db);
    this.logins = new LoginRepo(db, box);
    this.messages = new MessageRepo(db, group);
    this.reactions = new ReactionRepo(db);
    this.users = new UserRepo(db);
    this.members = new MemberRepo(db);
    this.ingest = new IngestRepo(db);
    this.outbox = new OutboxRepo(db, group);
    this.kv = new KvRepo(db, box);
  }
}
