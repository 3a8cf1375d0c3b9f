# shellcheck shell=bash
# What `make bench`, `make soak` and `make test-sqlmap` share: a temporary environment
# (folder, copy of the server, PostgreSQL cluster, database, editor, server), the bench
# data set, and the /proc samplers. Source it; it changes no shell options.
#
#   kp_env_up NAME EDITOR_CENTRE [CENTRES NEWS]   cluster + database knutepunkt_NAME
#   kp_server_start LOG READY_SECONDS [K=V …]     the server; KP_SRV_PID, KP_BASE
#   kp_server_stop [GRACE]  kp_login  kp_env_down  kp_etag URL
#   kp_proc_sample PID ("RSS_KB FDS THREADS")  kp_proc_ticks PID  kp_pg_ticks  kp_pg_pids
#   kp_wait_idle PORT
#
# Kept cluster: with KP_KEEP_DIR set (bench.sh: BENCH_KEEP_CLUSTER=1, soak.sh:
# SOAK_KEEP_CLUSTER=1), kp_env_up with a data set keeps the loaded cluster in KP_KEEP_DIR
# instead of a throwaway one. The loaded database is a template; every run works on a
# fresh copy of it (CREATE DATABASE … TEMPLATE, a few seconds), so writes of one run never
# reach the next. The template is rebuilt when its key changes: a hash of
# migrations/*.sql, tests/bench/data.sql, the row counts, the editor's centre and the
# PostgreSQL binaries. One run at a time per folder (flock). fsync is off as in the
# throwaway clusters: after a crash of the machine, remove the folder.

if [[ -n ${KP_BENCHLIB_LOADED:-} ]]; then
    return 0
fi
KP_BENCHLIB_LOADED=1

# shellcheck source-path=SCRIPTDIR source=pg.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/pg.sh"

KP_TMP=        # temporary folder (binary, logs; the cluster too unless it is kept)
KP_BIN=        # the server binary, copied into KP_TMP
KP_PG_DIR=     # the cluster folder (KP_TMP/pg, or KP_KEEP_DIR/pg)
KP_PG_PORT=    # its port
KP_DB=         # the database of this run (knutepunkt_NAME)
KP_DB_URL=     # its DATABASE_URL
KP_JWT_SECRET= # random per run
KP_SRV_PID=    # the running server (or valgrind running it)
KP_SRV_PORT=
KP_BASE=   # http://127.0.0.1:PORT
KP_SRV_RC= # exit status of the last server stopped by kp_server_stop
KP_EDITOR_EMAIL=${KP_EDITOR_EMAIL:-check-editor@example.org}
KP_EDITOR_PASSWORD=
# shellcheck disable=SC2034  # read by the scripts that source this one
KP_EDITOR_CENTRE=
KP_SERVER_WRAPPER=()           # command prefix for the server, e.g. (valgrind --leak-check=full …)
KP_KEEP_DIR=   # keep the loaded cluster here (see above); empty: throwaway
KP_TEMPLATE_DB=knutepunkt_loaded

# kp_migrate DB: the migrations (with the seed data) into DB of the running cluster.
kp_migrate() {
    log "migrating and seeding ($1)"
    env DATABASE_URL="$(pg_url "$KP_PG_DIR" "$KP_PG_PORT" "$1")" \
        MIGRATIONS_DIR="$KP_ROOT/migrations" DATA_DIR="$KP_TMP/data" \
        JWT_SECRET="$KP_JWT_SECRET" "$KP_BIN" migrate >"$KP_TMP/migrate.log" 2>&1 || {
        cat -- "$KP_TMP/migrate.log" >&2
        return 1
    }
}

# kp_load_data DB EDITOR_CENTRE CENTRES NEWS: tests/bench/data.sql into DB.
kp_load_data() {
    local db=$1 centre=$2 centres=$3 news=$4 t=$SECONDS
    log "loading $centres centres and $news news items (tests/bench/data.sql)"
    pg_psql "$KP_PG_PORT" -d "$db" -v centres="$centres" -v news="$news" \
        -v editor_centre="$centre" -f "$KP_ROOT/tests/bench/data.sql" || return 1
    log "data set loaded in $((SECONDS - t)) s"
}

# kp_data_key EDITOR_CENTRE CENTRES NEWS: what a loaded template depends on, hashed.
kp_data_key() {
    local f
    {
        for f in "$KP_ROOT"/migrations/*.sql; do
            printf '== %s\n' "${f##*/}"
            cat -- "$f"
        done
        printf '== data.sql\n'
        cat -- "$KP_ROOT/tests/bench/data.sql"
        printf '== centre=%s centres=%s news=%s pg=%s\n' "$1" "$2" "$3" "$(pg_bin)"
    } | sha256sum | cut -c1-16
}

# kp_kept_cluster EDITOR_CENTRE CENTRES NEWS: start the cluster in KP_KEEP_DIR, loading
# the template first when it is missing or its key changed. Sets KP_PG_DIR, KP_PG_PORT.
kp_kept_cluster() {
    local dir=$KP_KEEP_DIR key have port=
    local mark=.knutepunkt-bench-cluster
    mkdir -p -- "$dir" || return 1
    dir=$(cd -- "$dir" && pwd -P) || return 1
    # Only ever remove a folder's pg/ that this function made.
    if [[ ! -e $dir/$mark ]]; then
        if [[ -n $(ls -A -- "$dir") ]]; then
            warn "$dir is not empty and not a bench cluster folder ($mark missing)"
            return 1
        fi
        chmod 0755 -- "$dir" || return 1
        : >"$dir/$mark" || return 1
    fi
    pg_user_can_reach "$dir" || {
        warn "the postgres user cannot reach $dir: choose a folder it can (BENCH_CLUSTER_DIR)"
        return 1
    }
    # fd 9 holds the lock until this shell ends; the cluster and the server are started
    # with 9 closed, so one left running by a killed run does not hold it.
    exec 9>"$dir/lock" || return 1
    flock -n 9 || {
        warn "another run is using the kept cluster in $dir"
        return 1
    }
    KP_PG_DIR=$dir/pg
    # left running by a run that was killed (we hold the lock: no other run uses it)
    pg_stop "$KP_PG_DIR" || return 1
    key=$(kp_data_key "$@")
    have=$(cat -- "$dir/key" 2>/dev/null) || have=
    if [[ $have == "$key" && -f $KP_PG_DIR/data/PG_VERSION ]]; then
        log "reusing the loaded cluster in $dir (key $key)"
        [[ ! -s $KP_PG_DIR/port ]] || port=$(<"$KP_PG_DIR/port")
        : >"$KP_PG_DIR/log"
        pg_start_free "$KP_PG_DIR" off "$port" 9>&- || return 1
        KP_PG_PORT=$PG_PORT
        # settings a run made with ALTER SYSTEM and could not undo (bench.sh's EXPLAIN)
        pg_psql "$KP_PG_PORT" -d postgres -c 'ALTER SYSTEM RESET ALL' \
            -c 'SELECT pg_reload_conf()' >/dev/null || return 1
        return 0
    fi
    log "building the kept cluster in $dir (key ${have:+$have -> }$key)"
    rm -f -- "$dir/key"
    rm -rf -- "$KP_PG_DIR"
    pg_init "$KP_PG_DIR" nosync || return 1
    pg_start_free "$KP_PG_DIR" off 9>&- || return 1
    KP_PG_PORT=$PG_PORT
    pg_ensure_db "$KP_PG_PORT" "$KP_TEMPLATE_DB" || return 1
    kp_migrate "$KP_TEMPLATE_DB" || return 1
    kp_load_data "$KP_TEMPLATE_DB" "$@" || return 1
    printf '%s\n' "$key" >"$dir/key"
}

# kp_env_up NAME EDITOR_CENTRE [CENTRES NEWS]: temporary folder, copy of build/knutepunkt,
# cluster (fsync off), database knutepunkt_NAME, migrations (with the seed data), the
# bench data set when CENTRES is given, and an editor of EDITOR_CENTRE.
kp_env_up() {
    local name=$1 centre=$2 centres=${3:-} news=${4:-} base_tmp
    base_tmp=${TMPDIR:-/tmp}
    pg_user_can_reach "$base_tmp" || base_tmp=/tmp
    KP_TMP=$(mktemp -d "$base_tmp/knutepunkt-$name.XXXXXX") || return 1
    chmod 0755 -- "$KP_TMP" # the postgres user must reach the cluster inside
    mkdir -p -- "$KP_TMP/data"
    # A copy: rebuilding build/ during the run must not change what runs.
    KP_BIN=$KP_TMP/knutepunkt
    cp -- "$KP_ROOT/build/knutepunkt" "$KP_BIN" || return 1
    KP_DB=knutepunkt_$name
    KP_JWT_SECRET=$(head -c 36 /dev/urandom | base64 -w0)
    KP_EDITOR_PASSWORD=$(head -c 24 /dev/urandom | base64 -w0 | tr '+/' '-_')
    # shellcheck disable=SC2034  # read by the scripts that source this one
    KP_EDITOR_CENTRE=$centre

    if [[ -n $KP_KEEP_DIR && -n $centres ]]; then
        kp_kept_cluster "$centre" "$centres" "$news" || return 1
        pg_psql "$KP_PG_PORT" -d postgres -c "DROP DATABASE IF EXISTS $KP_DB WITH (FORCE)" \
            -c "CREATE DATABASE $KP_DB TEMPLATE $KP_TEMPLATE_DB STRATEGY FILE_COPY" || return 1
    else
        KP_PG_DIR=$KP_TMP/pg
        pg_init "$KP_PG_DIR" nosync || return 1
        pg_start_free "$KP_PG_DIR" off || return 1
        KP_PG_PORT=$PG_PORT
        pg_ensure_db "$KP_PG_PORT" "$KP_DB" || return 1
        kp_migrate "$KP_DB" || return 1
        if [[ -n $centres ]]; then
            kp_load_data "$KP_DB" "$centre" "$centres" "$news" || return 1
        fi
    fi
    KP_DB_URL=$(pg_url "$KP_PG_DIR" "$KP_PG_PORT" "$KP_DB")
    printf '%s\n' "$KP_EDITOR_PASSWORD" |
        DATABASE_URL="$KP_DB_URL" "$KP_BIN" user-add "$KP_EDITOR_EMAIL" editor "$centre" >/dev/null
}

# kp_server_start LOG READY_SECONDS [K=V …]: start the server (behind KP_SERVER_WRAPPER)
# with its output appended to LOG, wait for /readyz. Sets KP_SRV_PID, KP_SRV_PORT, KP_BASE.
kp_server_start() {
    local logf=$1 ready_s=$2 i
    shift 2
    KP_SRV_PORT=$(free_port) || return 1
    KP_BASE=http://127.0.0.1:$KP_SRV_PORT
    env DATABASE_URL="$KP_DB_URL" PORT="$KP_SRV_PORT" MIGRATIONS_DIR="$KP_ROOT/migrations" \
        OPENAPI_PATH="$KP_ROOT/openapi/openapi.json" DATA_DIR="$KP_TMP/data" \
        JWT_SECRET="$KP_JWT_SECRET" LOG_FORMAT=text AUTO_MIGRATE=0 "$@" \
        "${KP_SERVER_WRAPPER[@]}" "$KP_BIN" serve >>"$logf" 2>&1 </dev/null 9>&- &
    KP_SRV_PID=$!
    for ((i = 0; i < ready_s * 10; i++)); do
        if curl -sf -o /dev/null --max-time 5 "$KP_BASE/readyz"; then
            return 0
        fi
        kill -0 "$KP_SRV_PID" 2>/dev/null || break
        sleep 0.1
    done
    warn "the server did not become ready in $ready_s s"
    [[ ! -f $logf ]] || tail -n 20 -- "$logf" >&2
    return 1
}

# kp_server_stop [GRACE_SECONDS]: SIGTERM, wait up to GRACE_SECONDS (default 15) for the
# graceful stop, then SIGKILL. Sets KP_SRV_RC (137 when it had to be killed).
kp_server_stop() {
    local grace=${1:-15} i
    KP_SRV_RC=
    [[ -n $KP_SRV_PID ]] || return 0
    kill -TERM "$KP_SRV_PID" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
        kill -0 "$KP_SRV_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$KP_SRV_PID" 2>/dev/null; then
        warn "the server did not stop within $grace s: SIGKILL"
        kill -KILL "$KP_SRV_PID" 2>/dev/null || true
    fi
    KP_SRV_RC=0
    # shellcheck disable=SC2034  # read by the scripts that source this one
    wait "$KP_SRV_PID" 2>/dev/null || KP_SRV_RC=$?
    KP_SRV_PID=
}

# kp_login: print a fresh access token of the editor.
kp_login() {
    local body token
    body=$(curl -sf --max-time 120 -H 'Content-Type: application/json' \
        -d "{\"email\":\"$KP_EDITOR_EMAIL\",\"password\":\"$KP_EDITOR_PASSWORD\"}" \
        "$KP_BASE/v1/auth/token") || return 1
    token=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' <<<"$body")
    [[ -n $token ]] || return 1
    printf '%s\n' "$token"
}

# kp_env_down: stop the server and the cluster (a kept one without this run's copy of
# the data), remove the temporary folder. For traps: never fails.
kp_env_down() {
    kp_server_stop 15 || true
    if [[ -n $KP_PG_DIR && $KP_PG_DIR != "$KP_TMP"/* && -n $KP_PG_PORT ]] &&
        pg_running "$KP_PG_DIR"; then
        pg_psql "$KP_PG_PORT" -d postgres -c "DROP DATABASE IF EXISTS $KP_DB WITH (FORCE)" ||
            warn "could not drop $KP_DB from the kept cluster"
    fi
    if [[ -n $KP_PG_DIR ]]; then
        pg_stop "$KP_PG_DIR" || warn "could not stop the cluster in $KP_PG_DIR"
        KP_PG_DIR=
    fi
    if [[ -n $KP_TMP ]]; then
        rm -rf -- "$KP_TMP"
        KP_TMP=
    fi
}

# kp_etag URL: the ETag header of a GET of URL (empty when there is none).
kp_etag() {
    curl -sf -D - -o /dev/null --max-time 60 "$1" |
        awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }'
}

# The server's VmRSS (kB), open file descriptors and threads: "RSS FDS THREADS".
kp_proc_sample() {
    local pid=$1 rss thr fds
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || rss=0
    thr=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || thr=0
    # shellcheck disable=SC2012  # counting entries, names do not matter
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    printf '%s %s %s\n' "${rss:-0}" "$fds" "${thr:-0}"
}

# Seconds of CPU (user+system) of one process, in clock ticks.
kp_proc_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# kp_pg_stats: one line per process of the cluster (the postmaster and its children):
# "PID TICKS", TICKS = utime+stime, for the postmaster also what its dead children used
# (cutime/cstime), so backends that came and went count too. cat, not awk, opens the
# files: a process may end between the glob and the read.
kp_pg_stats() {
    local pm
    pm=$(head -n 1 -- "$KP_PG_DIR/data/postmaster.pid")
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" '
        {
            # comm may contain spaces: cut the line after ") " so the fields do not shift;
            # then f[2] = ppid, f[12..15] = utime stime cutime cstime
            line = $0; sub(/^[^(]*\(.*\) /, "", line); split(line, f, " ")
            if ($1 == pm) print $1, f[12] + f[13] + f[14] + f[15]
            else if (f[2] == pm) print $1, f[12] + f[13]
        }'
}
# CPU ticks of the whole cluster.
kp_pg_ticks() {
    kp_pg_stats | awk '{ s += $2 } END { print s + 0 }'
}
# The cluster's processes, comma-separated.
kp_pg_pids() {
    kp_pg_stats | awk '{ printf "%s%s", n++ ? "," : "", $1 }'
}

# Wait until nothing but TIME-WAIT is left on PORT (wrk's sockets are gone), so one
# run's leftovers never count against the next one's connection limit.
kp_wait_idle() {
    local port=$1 i n=0
    command -v ss >/dev/null 2>&1 || {
        sleep 2
        return 0
    }
    for ((i = 0; i < 100; i++)); do
        n=$(ss -Htn "( sport = :$port )" 2>/dev/null | awk '$1 != "TIME-WAIT"' | wc -l)
        ((n == 0)) && return 0
        sleep 0.1
    done
    warn "port $port still has $n connections after 10 s"
}
