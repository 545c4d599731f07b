#!/bin/sh
# Scale benchmark: Sitrep against SQLite FTS5 on the BBC collection scaled
# to sentence passages. Needs ../shared/eval/bbc next to the module.
#
#   scripts/bench.sh                 # 10k and 100k, 3 runs each (CI-sized)
#   scripts/bench.sh 1m 1            # 1M passages, one run (long: ~15 min)
#   PROFILE=/tmp/prof scripts/bench.sh 100k 1   # plus CPU profiles per phase
#   SITREP_BENCH_PG=1 scripts/bench.sh 100k      # plus Sitrep on the PostgreSQL store
#
# Prints one Markdown table per size (medians; the last row is the
# Sitrep/FTS5 ratio); see internal/searchbench/RESULTS.md.
#
# SITREP_BENCH_PG=1 starts a throwaway PostgreSQL (scripts/pgserver.sh),
# hands its superuser URL to the benchmark as SITREP_DATABASE_URL, runs
# the engine sitrep-pg first and stops the server at exit. Each sitrep-pg
# build imports into a fresh database of that server (dropped after its
# query phase) and an index of its own.
set -eu
cd "$(dirname "$0")/.."
sizes=${1:-10k,100k}
repeat=${2:-3}
set -- -run '^TestScale$' -v -timeout 0 -count 1 ./internal/searchbench -args -scale "$sizes" -scale.repeat "$repeat"
if [ "${SITREP_BENCH_PG:-}" = 1 ]; then
	pgdir=$(mktemp -d)
	trap 'scripts/pgserver.sh stop "$pgdir"' EXIT
	trap 'exit 130' INT TERM
	SITREP_DATABASE_URL=$(scripts/pgserver.sh start "$pgdir")
	export SITREP_DATABASE_URL
	set -- "$@" -scale.engines sitrep-pg,sitrep,fts5
fi
if [ -n "${PROFILE:-}" ]; then
	mkdir -p "$PROFILE"
	set -- "$@" -scale.profile "$PROFILE"
fi
go test "$@" # not exec: the EXIT trap stops the PostgreSQL server
