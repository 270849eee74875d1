-- Run once by the postgres image on an empty data directory (docker-compose.yml).
-- Synapse needs C collation and ctype; it shares the server with Switchboard's own database.
CREATE DATABASE synapse ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER switchboard;
