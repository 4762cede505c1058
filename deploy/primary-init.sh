#!/bin/bash
# Run once by the postgres image on an empty primary (docker-entrypoint-initdb.d), before the
# server restarts with the configuration below.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD 'replicator';
-- PgBouncer in transaction mode carries no session settings: the role carries them.
ALTER ROLE $POSTGRES_USER SET statement_timeout = '10s';
ALTER ROLE $POSTGRES_USER SET timezone = 'UTC';
SQL
# The image allows ordinary connections from the network; the replica's copy and stream are
# replication connections, allowed here.
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
