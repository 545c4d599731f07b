#!/bin/sh
# Scale benchmark: Sitrep against SQLite FTS5 on the BBC collection scaled
# to sentence passages. Needs ../shared/eval/bbc next to the module.
#
#   scripts/bench.sh                 # 10k and 100k, 3 runs each (CI-sized)
#   scripts/bench.sh 1m 1            # 1M passages, one run (long: ~15 min)
#   PROFILE=/tmp/prof scripts/bench.sh 100k 1   # plus CPU profiles per phase
#
# Prints one Markdown table per size (medians; the last row is the
# Sitrep/FTS5 ratio); see search/searchbench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
sizes=${1:-10k,100k}
# ENGINES=sitrep,sitrep-pg (with SITREP_BENCH_DATABASE_URL) adds the PostgreSQL store.
engines=${ENGINES:-sitrep,fts5}
repeat=${2:-3}
set -- -run '^TestScale$' -v -timeout 0 -count 1 ./search/searchbench -args -scale "$sizes" -scale.repeat "$repeat" -scale.engines "$engines"
if [ -n "${PROFILE:-}" ]; then
	mkdir -p "$PROFILE"
	set -- "$@" -scale.profile "$PROFILE"
fi
exec go test "$@"
