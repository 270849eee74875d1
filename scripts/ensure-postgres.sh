#!/usr/bin/env bash
# Makes a local Postgres 15 available for the integration tests and prints its URL.
# Installs Debian's package when missing (CI runs as root), starts the cluster, and creates
# a superuser role the tests use to create a throw-away database per test file.
#
# Only the URL goes to stdout, which callers capture with $(...). Nothing started from here may
# keep a copy of that pipe: bash's $(...) waits until every holder closes it, and the postmaster
# (started by pg_ctlcluster, or by the package's postinst) inherits open descriptors and lives on,
# which once made `npm test` hang for ever on a machine where the cluster was not yet running.
# So every command below runs with stdin from /dev/null and stdout/stderr to stderr or a log file.
set -euo pipefail
if [ -n "${SWITCHBOARD_TEST_PG_URL:-}" ]; then echo "$SWITCHBOARD_TEST_PG_URL"; exit 0; fi
log() { echo "ensure-postgres: $*" >&2; }
setup() {
  if ! command -v pg_ctlcluster >/dev/null || [ ! -d /usr/lib/postgresql/15 ]; then
    log "installing postgresql from Debian"
    bash "$(dirname "$0")/apt-install.sh" postgresql
  fi
  if [ ! -d /etc/postgresql/15/main ]; then pg_createcluster 15 main >/dev/null 2>&1; fi
  pg_ctlcluster 15 main start >/dev/null 2>&1 || true
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
}
setup </dev/null >&2
echo "postgres://switchboard_test:switchboard_test@127.0.0.1:5432/postgres"
