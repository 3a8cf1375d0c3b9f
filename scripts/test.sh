#!/usr/bin/env bash
# `make test`: install what is missing, build Release and ASan, start a throwaway
# PostgreSQL cluster (fsync off) on a free port, install node_modules, run CTest on
# the ASan build. Extra arguments go to ctest (e.g. `-R healthz`).
# The cluster and its folder are always removed, whatever happens.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=pg.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/pg.sh"
cd "$KP_ROOT"

t0=$SECONDS
pg_tmp=
finish() {
    local rc=$?
    if [[ -n $pg_tmp ]]; then
        pg_stop "$pg_tmp" || warn "could not stop the test cluster in $pg_tmp"
        rm -rf -- "$pg_tmp"
    fi
    if ((rc == 0)); then
        log "make test: passed in $((SECONDS - t0)) s"
    else
        log "make test: FAILED (exit $rc) after $((SECONDS - t0)) s"
    fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Optional extras for testing only; KP_TEST_EXTRA_PACKAGES="" skips them.
read -ra extra <<<"${KP_TEST_EXTRA_PACKAGES-clang}"
ensure_deps "${extra[@]}"

build_tree "$KP_ROOT/build" Release || die "Release build failed"
build_tree "$KP_ROOT/build-asan" Asan || die "ASan build failed"

# The folder must be reachable by the postgres user when we are root.
base=${TMPDIR:-/tmp}
pg_user_can_reach "$base" || base=/tmp
pg_tmp=$(mktemp -d "$base/knutepunkt-test.XXXXXX")
pg_init "$pg_tmp" nosync || die "initdb failed"
pg_start_free "$pg_tmp" off || die "could not start the test cluster"
pg_ensure_db "$PG_PORT" knutepunkt_test || die "could not create database knutepunkt_test"
log "test cluster: $pg_tmp, port $PG_PORT"

# What the tests get. The start/stop commands are meant for `sh -c`, so every path
# is shell-quoted; they restart this very cluster on the same port.
pg_cmd="bash $(printf '%q' "$KP_ROOT/scripts/pg.sh")"
export KP_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/knutepunkt_test
q_tmp=$(printf '%q' "$pg_tmp")
export KP_TEST_PG_STOP="$pg_cmd stop $q_tmp"
export KP_TEST_PG_START="$pg_cmd start $q_tmp"
export KP_MIGRATIONS_DIR=$KP_ROOT/migrations
# Our defaults first, so anything the caller already set (later in the list) wins.
export ASAN_OPTIONS=detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}

# node_modules (@redocly/cli, ajv) are needed by a CTest test that checks the spec.
if [[ -f package.json ]]; then
    log "npm ci"
    npm ci --no-audit --no-fund || die "npm ci failed"
fi

ctest --test-dir "$KP_ROOT/build-asan" --output-on-failure "$@"
