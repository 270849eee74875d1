#!/usr/bin/env bash
# Makes a local Postgres 15 available for the integration tests and prints its URL.
# Installs Debian's package when missing (CI runs as root), starts the cluster, and creates
# a superuser role the tests use to create a throw-away database per test file.
set -euo pipefail
# Only the URL goes to stdout (callers capture it); everything the tools print goes to stderr.
exec 3>&1 1>&2
if [ -n "${SWITCHBOARD_TEST_PG_URL:-}" ]; then echo "$SWITCHBOARD_TEST_PG_URL" >&3; exit 0; fi
log() { echo "ensure-postgres: $*" >&2; }
if ! command -v pg_ctlcluster >/dev/null || [ ! -d /usr/lib/postgresql/15 ]; then
  log "installing postgresql from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq postgresql >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null; }
fi
if [ ! -d /etc/postgresql/15/main ]; then pg_createcluster 15 main >/dev/null; fi
pg_ctlcluster 15 main start 2>/dev/null || true
for _ in $(seq 1 30); do
  if su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done
su postgres -c "psql -qAt" >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchboard_test') THEN
    CREATE ROLE switchboard_test LOGIN SUPERUSER PASSWORD 'switchboard_test';
  END IF;
END $$;
SQL
echo "postgres://switchboard_test:switchboard_test@127.0.0.1:5432/postgres" >&3
