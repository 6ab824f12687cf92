# A throwaway PostgreSQL 15 cluster for the tests (sourced after lib.sh).
#
# pg_start makes a cluster in a fresh folder under /tmp (short, so the
# socket path fits the 107 bytes of sun_path), listening only on a Unix
# socket there (listen_addresses is empty: no TCP port), and stops it and
# removes the folder when the script exits, whatever the way.  As root, the
# server runs as the unprivileged user 'nobody' (initdb and postgres refuse
# root); otherwise as the user running the tests.  The server binaries are
# Debian's (/usr/lib/postgresql/15/bin, package postgresql-15), named
# explicitly: an initdb earlier in PATH may be another build.  Only their
# absence skips (exit 77); no test needs a server of the machine's own.
#
# After pg_start:
#   PG_DIR    the folder (socket, data, log)
#   PG_HOST   the socket folder, for host=
#   pg_createdb NAME   creates database NAME and prints its connection
#                      string ("host=... user=fwbox dbname=NAME")
#   pg_psql CONNINFO ARGS...   psql with no .psqlrc, stopping on errors
#
# initdb runs once per build tree: the fresh cluster is kept as a template
# in $top_builddir/tests/pg-template and copied for each script.

PG_BINDIR=${FWBOX_PG_BINDIR:-/usr/lib/postgresql/15/bin}
PG_SUPERUSER=fwbox

pg_available() {
	[ -x "$PG_BINDIR/initdb" ] && [ -x "$PG_BINDIR/pg_ctl" ] && [ -x "$PG_BINDIR/postgres" ]
}

# Run a server program as the cluster's owner.
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid="$PG_UID" --regid="$PG_GID" --clear-groups -- "$@"
	else
		"$@"
	fi
}

pg_stop() {
	if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop \
			>/dev/null 2>&1 || true
	fi
	[ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
	PG_DIR=
}

pg_cleanup() {
	pg_stop
	[ -n "$SCRATCH" ] && rm -rf "$SCRATCH"
	return 0
}

# The template cluster, made once: initdb in a temporary folder, then
# renamed into place (another script may be making it at the same time).
pg_template() {
	tpl=${top_builddir:-.}/tests/pg-template
	[ -f "$tpl/PG_VERSION" ] && return 0
	mkdir -p "${top_builddir:-.}/tests"
	t=$(mktemp -d /tmp/fwbox-pginit-XXXXXX)
	[ "$(id -u)" -eq 0 ] && chown "$PG_UID:$PG_GID" "$t"
	if ! pg_as_owner "$PG_BINDIR/initdb" -D "$t/data" -U "$PG_SUPERUSER" -A trust -E UTF8 \
		--locale=C -N > "$t/initdb.log" 2>&1; then
		cat "$t/initdb.log" >&2
		rm -rf "$t"
		fail "initdb failed"
	fi
	# First one wins; a loser's copy is thrown away.
	mv -T "$t/data" "$tpl" 2>/dev/null || true
	rm -rf "$t"
	[ -f "$tpl/PG_VERSION" ] || fail "no PostgreSQL template cluster in '$tpl'"
}

pg_start() {
	pg_available || {
		echo "PostgreSQL 15 server not installed in $PG_BINDIR (apt-get install postgresql-15), skipping"
		exit 77
	}
	if [ "$(id -u)" -eq 0 ]; then
		PG_UID=$(id -u nobody) && PG_GID=$(id -g nobody) ||
			fail "running as root, and there is no user 'nobody' to run PostgreSQL as"
	fi
	trap pg_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	pg_template
	PG_DIR=$(mktemp -d /tmp/fwbox-pg-XXXXXX)
	PG_HOST=$PG_DIR
	cp -R "${top_builddir:-.}/tests/pg-template" "$PG_DIR/data"
	chmod 700 "$PG_DIR/data"
	[ "$(id -u)" -eq 0 ] && chown -R "$PG_UID:$PG_GID" "$PG_DIR"
	# No TCP at all; the socket lives in PG_DIR.  fsync off: a test
	# cluster never outlives its script.
	if ! pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
		-o "-k $PG_DIR -c listen_addresses= -c fsync=off -c full_page_writes=off -c max_connections=60" \
		start >/dev/null 2>&1; then
		cat "$PG_DIR/log" >&2
		fail "the PostgreSQL test cluster did not start"
	fi
	# A guard for the one exit no trap sees (SIGKILL of this shell): stop
	# the server once this script's process is gone.
	(
		trap '' INT TERM
		while kill -0 $$ 2>/dev/null; do sleep 1; done
		pg_stop
	) </dev/null >/dev/null 2>&1 &
}

pg_psql() {
	c=$1
	shift
	PSQLRC=/dev/null psql -X -q -v ON_ERROR_STOP=1 -d "$c" "$@"
}

pg_createdb() {
	pg_psql "host=$PG_HOST user=$PG_SUPERUSER dbname=postgres" -c "CREATE DATABASE \"$1\"" \
		>/dev/null || fail "cannot create database '$1'"
	echo "host=$PG_HOST user=$PG_SUPERUSER dbname=$1"
}
