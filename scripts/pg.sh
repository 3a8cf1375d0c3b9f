#!/usr/bin/env bash
# Private PostgreSQL 15 clusters for `make run` (kept) and `make test` (throwaway).
#
# As a library (source it): as_pg_user, free_port, pg_init, pg_start, pg_stop, ...
# As a command (the tests use this through KP_TEST_PG_STOP / KP_TEST_PG_START):
#     scripts/pg.sh start DIR     start the cluster in DIR again (port from DIR/port)
#     scripts/pg.sh stop DIR      fast shutdown; no error when it is not running
#     scripts/pg.sh status DIR    exit 0 when running
#
# Layout of a cluster folder DIR:
#     DIR/data    PGDATA          DIR/log     server log (pg_ctl -l)
#     DIR/port    last TCP port   DIR/fsync   fsync setting (on|off) to restart with
#     DIR/.s.PGSQL.PORT           Unix socket (-k DIR), when the path is short enough
# The server listens on 127.0.0.1 only, with trust authentication for user postgres.

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# Debian keeps the server binaries off PATH; resolved on demand because the package
# may only get installed by ensure_deps after this file was sourced.
pg_bin() {
    if [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
        printf '%s\n' /usr/lib/postgresql/15/bin
    else
        pg_config --bindir
    fi
}

# initdb and postgres refuse to run as root, so as root they run as `postgres`.
# `cd /` first: runuser keeps the working directory, which may be unreadable to
# postgres (a checkout under /root), and initdb/pg_ctl complain about that.
as_pg_user() {
    if ((EUID == 0)); then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Absolute form of a path: the postgres user runs from / (see as_pg_user).
kp_abs() {
    if [[ $1 == /* ]]; then
        printf '%s\n' "$1"
    else
        printf '%s\n' "$PWD/$1"
    fi
}

# Can the user the server runs as traverse into DIR? (Always yes when not root.)
pg_user_can_reach() {
    as_pg_user test -x "$(kp_abs "$1")" 2>/dev/null
}

# port_is_free PORT: nothing listens on it (checked with ss when present, and by
# trying to connect, which a refused connection answers at once).
port_is_free() {
    local port=$1
    if command -v ss >/dev/null 2>&1 && [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]; then
        return 1
    fi
    # shellcheck disable=SC2016  # $1 is meant for the inner bash, not for us
    ! timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$port" 2>/dev/null
}

# free_port: print a free TCP port. Random, between PostgreSQL's usual 5432 and the
# kernel's ephemeral range (32768+), so parallel runs rarely pick the same one; a
# lost race is caught later because pg_start's exit code is checked.
free_port() {
    local i port
    for ((i = 0; i < 100; i++)); do
        port=$((20000 + RANDOM % 12000))
        if port_is_free "$port"; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    warn "found no free TCP port"
    return 1
}

# pg_init DIR [nosync]: create the cluster in DIR/data unless it exists.
# "nosync" skips initdb's final fsync (for throwaway clusters).
pg_init() {
    local dir nosync=${2:-}
    dir=$(kp_abs "$1")
    if [[ -f $dir/data/PG_VERSION ]]; then
        return 0
    fi
    mkdir -p -- "$dir" || return 1
    chmod 0700 -- "$dir" || return 1
    if ((EUID == 0)); then
        chown postgres:postgres -- "$dir" || return 1
    fi
    log "creating PostgreSQL cluster in $dir"
    if ! as_pg_user "$(pg_bin)/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 ${nosync:+--no-sync} >"$dir/initdb.log" 2>&1; then
        cat -- "$dir/initdb.log" >&2
        return 1
    fi
}

# pg_running DIR: exit 0 when the cluster in DIR is up.
pg_running() {
    local dir
    dir=$(kp_abs "$1")
    [[ -f $dir/data/PG_VERSION ]] && as_pg_user "$(pg_bin)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# pg_running_port DIR: the port a running cluster listens on (line 4 of postmaster.pid).
pg_running_port() {
    sed -n 4p -- "$1/data/postmaster.pid"
}

# pg_start DIR PORT FSYNC: start the cluster; exit code is pg_ctl's (1 e.g. when the
# port is taken). On success DIR/port and DIR/fsync record how to start it again.
pg_start() {
    local dir port=$2 fsync=${3:-on} opts
    dir=$(kp_abs "$1")
    [[ $port =~ ^[0-9]+$ ]] || {
        warn "bad port '$port'"
        return 1
    }
    [[ $fsync == on || $fsync == off ]] || {
        warn "fsync must be on or off, not '$fsync'"
        return 1
    }
    # pg_ctl hands -o to /bin/sh, so the folder is single-quoted in it.
    [[ $dir != *"'"* ]] || {
        warn "a cluster folder must not contain a single quote: $dir"
        return 1
    }
    opts="-c listen_addresses=127.0.0.1 -p $port -c fsync=$fsync"
    if [[ $fsync == off ]]; then
        # Throwaway cluster: durability is worthless, speed is not.
        opts+=" -c synchronous_commit=off -c full_page_writes=off"
    fi
    # Unix socket paths are limited to ~107 bytes; past that PostgreSQL refuses to start,
    # so a deep checkout goes TCP-only (everything here connects over TCP anyway).
    if ((${#dir} + 18 <= 100)); then
        opts+=" -k '$dir'"
    else
        opts+=" -c unix_socket_directories=''"
    fi
    # -w waits until connections are accepted; -t bounds crash recovery on a big cluster.
    as_pg_user "$(pg_bin)/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 120 -o "$opts" start \
        >/dev/null || return
    printf '%s\n' "$port" >"$dir/port"
    printf '%s\n' "$fsync" >"$dir/fsync"
}

# pg_start_free DIR FSYNC [PREFERRED_PORT]: start on PREFERRED_PORT when free, else on
# a free port, retrying with another port when pg_ctl fails (a port taken between our
# check and the bind). Sets PG_PORT.
pg_start_free() {
    local dir fsync=$2 port=${3:-} try
    dir=$(kp_abs "$1")
    PG_PORT=
    for ((try = 1; try <= 5; try++)); do
        if [[ ! $port =~ ^[0-9]+$ ]] || ! port_is_free "$port"; then
            port=$(free_port) || return 1
        fi
        if pg_start "$dir" "$port" "$fsync"; then
            # shellcheck disable=SC2034  # read by the calling script
            PG_PORT=$port
            return 0
        fi
        warn "PostgreSQL did not start on port $port (attempt $try); trying another port"
        port=
    done
    warn "PostgreSQL would not start; last lines of $dir/log:"
    tail -n 20 -- "$dir/log" >&2 || true
    return 1
}

# pg_stop DIR: fast shutdown (aborts open transactions, then a clean checkpoint).
# Quietly succeeds when the cluster is not running, so traps can always call it.
pg_stop() {
    local dir
    dir=$(kp_abs "$1")
    if pg_running "$dir"; then
        log "stopping PostgreSQL in $dir"
        as_pg_user "$(pg_bin)/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null
    fi
}

# url_encode TEXT: TEXT with every byte but [A-Za-z0-9/._~-] percent-encoded.
url_encode() {
    local LC_ALL=C s=$1 out='' c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [A-Za-z0-9/._~-]) out+=$c ;;
        *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s\n' "$out"
}

# pg_url DIR PORT DB: the libpq URL of database DB in the cluster in DIR, for the server.
# Its Unix socket when it has one: every query then skips the TCP stack on both sides
# (pgbench, 8 clients: 5-14 % more list queries per second, 10 % less PostgreSQL CPU per
# query); else TCP on 127.0.0.1.
pg_url() {
    local dir port=$2 db=$3
    dir=$(kp_abs "$1")
    if [[ -S $dir/.s.PGSQL.$port ]]; then
        printf 'postgresql://postgres@/%s?host=%s&port=%s\n' "$db" "$(url_encode "$dir")" "$port"
    else
        printf 'postgresql://postgres@127.0.0.1:%s/%s\n' "$port" "$db"
    fi
}

# psql as superuser over TCP (trust auth), quiet, failing on the first error.
pg_psql() {
    local port=$1
    shift
    PGCONNECT_TIMEOUT=5 PGOPTIONS='-c client_min_messages=warning' \
        psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"
}

# pg_ensure_db PORT DBNAME: create the database if missing, and PostGIS in it
# (CREATE EXTENSION postgis needs a superuser, which the server's role may not be).
pg_ensure_db() {
    local port=$1 db=$2 exists
    [[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || {
        warn "bad database name '$db'"
        return 1
    }
    exists=$(pg_psql "$port" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'") ||
        return 1
    if [[ $exists != 1 ]]; then
        log "creating database $db"
        pg_psql "$port" -d postgres -c "CREATE DATABASE $db" || return 1
    fi
    pg_psql "$port" -d "$db" -c 'CREATE EXTENSION IF NOT EXISTS postgis'
}

# Where `make run` keeps its cluster. Normally var/pg. As root, PostgreSQL runs as
# `postgres`, which cannot enter a checkout under a 0700 home (/root); then the
# cluster lives in a postgres-owned folder outside the checkout, named after a hash
# of the project path, and var/pg.location remembers it (so it is found again even
# if permissions change later).
kp_cluster_dir() {
    local loc=$KP_ROOT/var/pg.location base hash dir
    if [[ -s $loc ]]; then
        head -n 1 -- "$loc"
        return 0
    fi
    if pg_user_can_reach "$KP_ROOT/var"; then
        printf '%s\n' "$KP_ROOT/var/pg"
        return 0
    fi
    hash=$(printf '%s' "$KP_ROOT" | sha256sum | cut -c1-12)
    # /var/lib/postgresql is the postgres user's own home: persistent (unlike /tmp)
    # and not world-writable, so nobody can plant the folder before us.
    base=/var/lib/postgresql
    [[ -d $base ]] || base=/var/tmp
    dir=$base/knutepunkt-$hash
    if [[ -e $dir && ! -O $dir ]] && [[ $(stat -c %U -- "$dir") != postgres ]]; then
        die "$dir exists but belongs to $(stat -c %U -- "$dir"); remove it or move the checkout"
    fi
    [[ -d $dir ]] || mkdir -m 0755 -- "$dir" || return 1
    printf '%s\n' "$dir/pg" >"$loc"
    printf '%s\n' "$dir/pg"
}

# Command mode (not when sourced).
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    usage() {
        echo "usage: $0 start|stop|status DIR" >&2
        exit 2
    }
    [[ $# -eq 2 ]] || usage
    dir=$(cd -- "$2" && pwd -P) || die "no such folder: $2"
    case $1 in
    start)
        [[ -s $dir/port ]] || die "$dir/port missing: this cluster was never started"
        if pg_running "$dir"; then
            exit 0
        fi
        fsync=on
        [[ ! -s $dir/fsync ]] || fsync=$(<"$dir/fsync")
        pg_start "$dir" "$(<"$dir/port")" "$fsync"
        ;;
    stop) pg_stop "$dir" ;;
    status) pg_running "$dir" ;;
    *) usage ;;
    esac
fi
