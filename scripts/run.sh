#!/usr/bin/env bash
# `make run`: install what is missing, build the release binary, start (first time:
# create) the private PostgreSQL cluster, then run build/knutepunkt in the foreground.
# Ctrl-C stops the server (it shuts down gracefully), then the trap stops the cluster.
# Set DATABASE_URL to use an existing database instead; nothing local is created then.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=pg.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/pg.sh"
cd "$KP_ROOT"

# shellcheck disable=SC2119  # no extra packages for make run
ensure_deps
build_release || die "build failed"

mkdir -p var
ensure_jwt_secret var/jwt_secret

pg_dir=
# The EXIT trap runs after the server has exited, however we got there (Ctrl-C,
# server crash, failed start), so the cluster is never left running behind us.
# pg_ctl starts the postmaster in its own session, so Ctrl-C in the terminal reaches
# only the server and this script, never PostgreSQL itself.
# shellcheck disable=SC2317  # only called from the trap
stop_cluster() {
    if [[ -n $pg_dir ]]; then
        pg_stop "$pg_dir" || warn "could not stop PostgreSQL in $pg_dir (see $pg_dir/log)"
    fi
}

if [[ -n ${DATABASE_URL:-} ]]; then
    log "DATABASE_URL is set: using it, no local PostgreSQL"
else
    pg_dir=$(kp_cluster_dir)
    pg_init "$pg_dir" || die "initdb failed"
    trap stop_cluster EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    if pg_running "$pg_dir"; then
        # Left over from a run that was killed hard: reuse it (and stop it on exit).
        PG_PORT=$(pg_running_port "$pg_dir")
        log "PostgreSQL was already running; reusing it"
    else
        preferred=
        [[ ! -s var/pg.port ]] || preferred=$(<var/pg.port)
        pg_start_free "$pg_dir" on "$preferred" || die "could not start PostgreSQL"
    fi
    printf '%s\n' "$PG_PORT" >var/pg.port
    pg_ensure_db "$PG_PORT" knutepunkt || die "could not create database knutepunkt"
    log "PostgreSQL cluster: $pg_dir (log: $pg_dir/log), port $PG_PORT"
    DATABASE_URL=$(pg_url "$pg_dir" "$PG_PORT" knutepunkt)
fi

export DATABASE_URL
export PORT=${PORT:-8080}
export DATA_DIR=$KP_ROOT/var
export MIGRATIONS_DIR=$KP_ROOT/migrations
# A JWT_SECRET from the environment wins; otherwise the one generated in var/.
JWT_SECRET=${JWT_SECRET:-$(<var/jwt_secret)}
export JWT_SECRET

port_is_free "$PORT" || warn "port $PORT is already in use; choose another with PORT=..."
log "starting build/knutepunkt on port $PORT (Ctrl-C to stop)"
# Not exec: this shell must survive the server to run the trap that stops PostgreSQL.
rc=0
"$KP_ROOT/build/knutepunkt" || rc=$?
exit "$rc"
