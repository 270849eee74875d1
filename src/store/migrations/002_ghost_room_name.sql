-- A ghost's own display name in one room (a module's `user_info` with a chat, such as a Discord
-- server nickname), null while the room shows the global name. The homeserver rewrites every
-- membership of a ghost with the global profile whenever that changes, and the core sets this
-- name again after it (GhostManager.restoreRoomName). A leave or ban drops it.

ALTER TABLE room_member ADD COLUMN room_displayname text;
