#!/bin/sh
# Makes test/fixtures/django/ with Django itself; the outputs are committed and nothing here runs
# at test time. It was run once, as root on Debian bookworm, from the repository root:
#
#   apt-get install -y python3-django python3-djangorestframework \
#       python3-djangorestframework-simplejwt python3-argon2 python3-bcrypt python3-psycopg2
#   sh scripts/django/generate.sh
#
# with Django 3.2.25, djangorestframework-simplejwt 5.2.2, argon2-cffi 21.1.0, bcrypt 3.2.2,
# Python 3.11 and PostgreSQL 15.18 (/usr/lib/postgresql/15/bin). Salts, jtis and tokens are
# random: a rerun rewrites every file.
#
# It starts a throwaway PostgreSQL 15 cluster in /tmp as the postgres OS user, on a port the
# kernel reports free, listening on 127.0.0.1 only (no Unix socket), with a random password;
# lets Django's `migrate` make the schema; fills it (make_database.py); then writes
#   django-simplejwt.sql   pg_dump --no-owner --no-privileges --column-inserts (INSERTs instead of
#                          COPY, so a plain SQL client can load it: the specs use node-postgres)
#   django-simplejwt.json  the users' plaintext passwords, the SimpleJWT settings and tokens
#   dumpdata-users.json    manage.py dumpdata auth.user of the same database
#   password-hashes.json   make_password_hashes.py: hashes from every Django hasher
# and stops and deletes the cluster.
set -eu

PG=${PG:-/usr/lib/postgresql/15/bin}
PYTHON=${PYTHON:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "$HERE/../.." && pwd)/test/fixtures/django
DB=django_simplejwt

WORK=$(mktemp -d /tmp/django-fixture.XXXXXX)
chown postgres:postgres "$WORK"
PASSWORD=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(24))')
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
  runuser -u postgres -- "$PG/pg_ctl" -D "$WORK/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

printf '%s\n' "$PASSWORD" > "$WORK/pwfile"
chown postgres:postgres "$WORK/pwfile"
runuser -u postgres -- "$PG/initdb" -D "$WORK/data" -U postgres --auth=scram-sha-256 --pwfile="$WORK/pwfile" \
  -E UTF8 --locale=C >/dev/null
rm -f "$WORK/pwfile"
# The kernel handed this port out as free; check that nothing has started listening on it since.
if "$PYTHON" -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $PORT)) != 0)"; then
  echo "port $PORT is taken" >&2
  exit 1
fi
runuser -u postgres -- "$PG/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories= -c TimeZone=UTC" start >/dev/null

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGPASSWORD=$PASSWORD PGTZ=UTC
export DJANGO_DB_HOST=127.0.0.1 DJANGO_DB_PORT=$PORT DJANGO_DB_USER=postgres DJANGO_DB_PASSWORD=$PASSWORD DJANGO_DB_NAME=$DB
"$PG/createdb" "$DB"

mkdir -p "$OUT"
cd "$HERE"
"$PYTHON" manage.py migrate --no-input
"$PYTHON" make_database.py "$OUT/django-simplejwt.json"
"$PG/pg_dump" --no-owner --no-privileges --column-inserts -f "$OUT/django-simplejwt.sql" "$DB"
"$PYTHON" manage.py dumpdata auth.user --indent 2 --output "$OUT/dumpdata-users.json"
"$PYTHON" make_password_hashes.py "$OUT/password-hashes.json"
echo "wrote $OUT"
