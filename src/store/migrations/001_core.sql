-- Core tables (DESIGN §4). Runs unchanged on Postgres 15 and PGlite.

CREATE TABLE portal (
  network      text    NOT NULL,
  remote_id    text    NOT NULL,
  receiver     text    NOT NULL DEFAULT '',
  room_id      text    UNIQUE,
  kind         text    NOT NULL DEFAULT 'group',
  name         text,
  name_set     boolean NOT NULL DEFAULT false,
  topic        text,
  topic_set    boolean NOT NULL DEFAULT false,
  avatar_key   text,
  avatar_mxc   text,
  space_room   text,
  metadata     jsonb   NOT NULL DEFAULT '{}',
  created_at   bigint  NOT NULL,
  PRIMARY KEY (network, remote_id, receiver)
);

CREATE TABLE ghost (
  network      text    NOT NULL,
  remote_id    text    NOT NULL,
  user_id      text    NOT NULL UNIQUE,
  displayname  text,
  avatar_key   text,
  avatar_mxc   text,
  registered   boolean NOT NULL DEFAULT false,
  metadata     jsonb   NOT NULL DEFAULT '{}',
  PRIMARY KEY (network, remote_id)
);

CREATE TABLE login (
  id            text   PRIMARY KEY,
  network       text   NOT NULL,
  user_id       text   NOT NULL,
  remote_id     text   NOT NULL,
  remote_name   text   NOT NULL DEFAULT '',
  state         text   NOT NULL DEFAULT 'connecting',
  state_message text,
  credentials   bytea,
  metadata      jsonb  NOT NULL DEFAULT '{}',
  created_at    bigint NOT NULL,
  UNIQUE (network, user_id, remote_id)
);
CREATE INDEX login_user_idx ON login (user_id, network);

CREATE TABLE message (
  network      text   NOT NULL,
  receiver     text   NOT NULL DEFAULT '',
  remote_id    text   NOT NULL,
  part         text   NOT NULL DEFAULT '',
  room_id      text   NOT NULL,
  event_id     text   NOT NULL UNIQUE,
  sender_remote text,
  sender_mxid  text,
  ts           bigint NOT NULL,
  reply_to     text,
  thread_root  text,
  PRIMARY KEY (network, receiver, remote_id, part)
);

CREATE TABLE reaction (
  network      text   NOT NULL,
  receiver     text   NOT NULL DEFAULT '',
  target_id    text   NOT NULL,
  sender       text   NOT NULL,
  key          text   NOT NULL,
  room_id      text   NOT NULL,
  event_id     text   NOT NULL UNIQUE,
  remote_id    text,
  PRIMARY KEY (network, receiver, target_id, sender, key)
);

CREATE TABLE matrix_user (
  user_id          text  PRIMARY KEY,
  management_room  text  UNIQUE,
  double_puppet    bytea,
  metadata         jsonb NOT NULL DEFAULT '{}'
);

-- Durable ingest: a transaction id is recorded together with its events in one database
-- transaction before the homeserver gets its 200, so an acknowledged event is never lost.
CREATE TABLE as_txn (
  txn_id       text   PRIMARY KEY,
  received_at  bigint NOT NULL
);

CREATE TABLE as_event (
  seq          bigserial PRIMARY KEY,
  event_id     text   NOT NULL UNIQUE,
  room_id      text   NOT NULL,
  body         jsonb  NOT NULL,
  status       smallint NOT NULL DEFAULT 0, -- 0 pending, 1 done, 2 failed
  attempts     integer  NOT NULL DEFAULT 0,
  received_at  bigint NOT NULL
);
CREATE INDEX as_event_pending_idx ON as_event (seq) WHERE status = 0;

-- Remote events waiting to be sent to Matrix, in emit order per chat; deleted once sent.
CREATE TABLE outbox (
  seq          bigserial PRIMARY KEY,
  network      text   NOT NULL,
  chat_id      text   NOT NULL,
  receiver     text   NOT NULL DEFAULT '',
  body         jsonb  NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  created_at   bigint NOT NULL
);

CREATE TABLE kv (
  network      text    NOT NULL,
  key          text    NOT NULL,
  value        bytea   NOT NULL,
  encrypted    boolean NOT NULL DEFAULT false,
  PRIMARY KEY (network, key)
);

-- Who is in which portal room (from membership events we receive), for relays and puppets.
CREATE TABLE room_member (
  room_id      text NOT NULL,
  user_id      text NOT NULL,
  membership   text NOT NULL,
  displayname  text,
  avatar_url   text,
  PRIMARY KEY (room_id, user_id)
);
