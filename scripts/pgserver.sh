#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (.ci/run) and the benchmark:
# initdb in a directory of its own, trust authentication, superuser
# postgres, listening on 127.0.0.1 only at a random port, its unix socket in
# that directory. PostgreSQL refuses to run as root, so as root it runs as
# the postgres user (runuser -u postgres), the directory given to that user.
#
#   scripts/pgserver.sh install       # apt-get install postgresql if initdb is missing (root, Debian)
#   url=$(scripts/pgserver.sh start DIR)   # DIR: new or empty; prints the server's URL
#   scripts/pgserver.sh stop DIR      # pg_ctl stop -m immediate, then removes DIR
#
# internal/pgtest does the same from Go when SITREP_TEST_DATABASE_URL is
# not set; with it set (as .ci/run sets it), tests use this server.
set -euo pipefail

# bindir prints the directory of the server binaries: the newest Debian
# version under /usr/lib/postgresql, else wherever initdb on PATH lives.
bindir() {
	local dir
	for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
		if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
			echo "$dir"; return 0
		fi
	done
	if command -v initdb >/dev/null; then
		dirname "$(readlink -f "$(command -v initdb)")"; return 0
	fi
	return 1
}

# as_owner runs a command as the user that owns the server: postgres when
# we are root, else ourselves.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

install() {
	if bindir >/dev/null; then
		return 0
	fi
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		echo "pgserver: PostgreSQL's server (initdb) is missing: install Debian's postgresql package" >&2
		return 1
	fi
	echo "pgserver: installing Debian's postgresql" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
	bindir >/dev/null
}

start() {
	local dir=$1 bin port attempt
	if ! bin=$(bindir); then
		echo "pgserver: no PostgreSQL server binaries (run: $0 install)" >&2
		return 1
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if [ -n "$(ls -A "$dir")" ]; then
		echo "pgserver: $dir is not empty" >&2
		return 1
	fi
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$dir"
	fi
	# -N: no fsync; a test server's data is thrown away.
	(cd "$dir" && as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C -N >"$dir/initdb.log" 2>&1) || {
		cat "$dir/initdb.log" >&2; return 1
	}
	# A random port may be taken: try a few.
	for attempt in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 40000))
		if (cd "$dir" && as_owner "$bin/pg_ctl" start -w -t 120 -D "$dir/data" -l "$dir/postgres.log" \
			-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -F") >&2; then
			echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
			return 0
		fi
		if ! grep -q 'Address already in use' "$dir/postgres.log" 2>/dev/null; then
			break
		fi
	done
	echo "pgserver: postgres did not start; its log:" >&2
	cat "$dir/postgres.log" >&2 || true
	return 1
}

stop() {
	local dir=$1 bin
	if [ -f "$dir/data/postmaster.pid" ] && bin=$(bindir); then
		(cd "$dir" && as_owner "$bin/pg_ctl" stop -w -D "$dir/data" -m immediate) >&2 || true
	fi
	rm -rf "$dir"
}

case "${1:-}" in
install) install ;;
start) start "${2:?usage: $0 start DIR}" ;;
stop) stop "${2:?usage: $0 stop DIR}" ;;
*) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
