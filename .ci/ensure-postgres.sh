#!/usr/bin/env bash
# Makes sure a Postgres answers on 127.0.0.1:5432 with trust auth for user postgres and
# has a database `test`: use the running one, else start the installed cluster, else
# install Debian's postgresql and start it.
set -euo pipefail

answers() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

wait_for_postgres() {
  for _ in $(seq 1 60); do answers && return 0; sleep 0.5; done
  echo "Postgres did not come up on 127.0.0.1:5432" >&2
  return 1
}

cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

allow_local_trust() {
  local hba="/etc/postgresql/$1/main/pg_hba.conf"
  # Tests connect over TCP as postgres without a password, like on the CI machines.
  sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  sed -i -E 's/^(local\s+all\s+postgres\s+)\S+/\1trust/' "$hba"
}

if answers; then
  echo "Postgres is running."
else
  version=$(cluster_version)
  if [ -z "$version" ]; then
    echo "Installing Postgres from Debian's packages…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    version=$(cluster_version)
    allow_local_trust "$version"
  fi
  echo "Starting Postgres $version…"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for_postgres
fi

node --input-type=module -e "
import pg from 'pg';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
const { rowCount } = await admin.query(\"SELECT 1 FROM pg_database WHERE datname = 'test'\");
if (!rowCount) await admin.query('CREATE DATABASE test');
await admin.end();
console.log('Postgres ready: database test');
"
