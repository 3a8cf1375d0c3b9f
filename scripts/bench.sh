#!/usr/bin/env bash
# `make bench`: load test of the Release build against a generated data set.
#
#  1. installs what is missing (wrk, nginx), builds Release;
#  2. starts a throwaway PostgreSQL cluster (fsync off), migrates, loads
#     tests/bench/data.sql (10,000 centres, 100,000 news items; under a minute), creates
#     an editor; or, with BENCH_KEEP_CLUSTER=1, reuses a kept cluster with the data loaded;
#  3. starts the server and runs wrk against each endpoint (tests/bench/*.lua for the
#     scripted ones), after a warm-up, one endpoint at a time;
#  4. serves the very bytes of the list response from nginx as the ceiling;
#  5. prints req/s, p50, p99, errors, server RSS, CPU per request and the ratio to
#     nginx, with PASS/FAIL per target, and writes tests/bench/out/results-*.tsv
#     (and latest.tsv);
#  6. captures the server's SQL from the PostgreSQL log and EXPLAINs it
#     (tests/bench/explain.sql), flagging sequential scans of centre or news;
#  7. runs the read endpoints again with the server's response cache off
#     (CACHE_MAX_BYTES=0), which measures the database path.
# Everything it starts is stopped, and its temporary folder removed, whatever happens.
#
# Settings (environment):
#   BENCH_SECONDS=15     length of each measured run     BENCH_WARMUP=3   warm-up seconds
#   BENCH_CONNECTIONS=64 wrk connections                 BENCH_THREADS=2  wrk threads
#   BENCH_CENTRES=10000  BENCH_NEWS=100000               generated rows
#   BENCH_Q=friluftsliv  the search word (in ~2 % of news items, ~5 % of centres)
#   BENCH_UNCACHED=1     0 skips step 7                  BENCH_EXPLAIN=1  0 skips step 6
#   BENCH_ONLY=REGEX     run only the endpoints whose name matches (nginx always runs)
#   BENCH_PERF=0         1: `perf record` (linux-perf) the server during "get", PostgreSQL
#                        during the uncached "list", both during "mix";
#                        profiles in tests/bench/out/perf-*.txt
#   BENCH_SERVER_ENV="K=V …"  extra environment for the server
#   BENCH_KEEP_CLUSTER=0 1: keep the loaded cluster in BENCH_CLUSTER_DIR (default
#                        var/bench-cluster, git-ignored; setting it implies 1) and reuse it
#                        while migrations/*.sql, tests/bench/data.sql, BENCH_CENTRES and
#                        BENCH_NEWS stay the same (else it is loaded again). Every run gets
#                        a fresh copy of the loaded database, so the write runs of one run
#                        never change the next one's data. See scripts/benchlib.sh.
#
#   BENCH_QUICK=0        1: for development, other defaults: BENCH_SECONDS=3
#                        BENCH_WARMUP=1 BENCH_EXPLAIN=0 BENCH_KEEP_CLUSTER=1 (each can still
#                        be set). With BENCH_ONLY, a number in well under a minute once
#                        the cluster is kept, e.g. the list with and without the cache:
#                          BENCH_QUICK=1 BENCH_ONLY='^list$' make bench
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=benchlib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/benchlib.sh"
cd "$KP_ROOT"

BENCH_QUICK=${BENCH_QUICK:-0}
[[ $BENCH_QUICK == 0 || $BENCH_QUICK == 1 ]] || die "BENCH_QUICK must be 0 or 1"
if [[ $BENCH_QUICK == 1 ]]; then
    : "${BENCH_SECONDS:=3}" "${BENCH_WARMUP:=1}" "${BENCH_EXPLAIN:=0}" "${BENCH_KEEP_CLUSTER:=1}"
fi
BENCH_SECONDS=${BENCH_SECONDS:-15}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CENTRES=${BENCH_CENTRES:-10000}
BENCH_NEWS=${BENCH_NEWS:-100000}
BENCH_Q=${BENCH_Q:-friluftsliv}
BENCH_UNCACHED=${BENCH_UNCACHED:-1}
BENCH_EXPLAIN=${BENCH_EXPLAIN:-1}
BENCH_ONLY=${BENCH_ONLY:-}
BENCH_PERF=${BENCH_PERF:-0}
BENCH_SERVER_ENV=${BENCH_SERVER_ENV:-}
BENCH_CLUSTER_DIR=${BENCH_CLUSTER_DIR:-}
BENCH_KEEP_CLUSTER=${BENCH_KEEP_CLUSTER:-$([[ -n $BENCH_CLUSTER_DIR ]] && echo 1 || echo 0)}
for v in BENCH_SECONDS BENCH_WARMUP BENCH_CONNECTIONS BENCH_THREADS BENCH_CENTRES BENCH_NEWS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
((BENCH_SECONDS >= 1 && BENCH_CONNECTIONS >= BENCH_THREADS && BENCH_THREADS >= 1)) ||
    die "need BENCH_SECONDS >= 1 and BENCH_CONNECTIONS >= BENCH_THREADS >= 1"
((BENCH_CENTRES >= 100 && BENCH_NEWS >= 100)) || die "need at least 100 centres and 100 news items"
[[ $BENCH_Q =~ ^[[:alpha:]]+$ ]] || die "BENCH_Q must be one word"
[[ $BENCH_KEEP_CLUSTER == 0 || $BENCH_KEEP_CLUSTER == 1 ]] || die "BENCH_KEEP_CLUSTER must be 0 or 1"
[[ $BENCH_KEEP_CLUSTER == 0 ]] || KP_KEEP_DIR=${BENCH_CLUSTER_DIR:-$KP_ROOT/var/bench-cluster}

# Targets (2-core box, Release build).
T_LIST=6000 T_GET=12000 T_SEARCH=3000 T_NEAR=5000 T_WRITE=1500
T_P99_MS=20 T_CEILING=0.50 T_RSS_MB=40

EDITOR_CENTRE=bench-centre-1
KP_EDITOR_EMAIL=bench-editor@example.org
SEED_SLUG=sagatun-recovery

t0=$SECONDS
tmp=
srv_pid=
ngx_pid=
finish() {
    local rc=$?
    set +e
    if [[ -n $ngx_pid ]]; then
        kill -TERM "$ngx_pid" 2>/dev/null
        wait "$ngx_pid" 2>/dev/null
        ngx_pid=
    fi
    kp_env_down
    if ((rc == 0)); then
        log "make bench: done in $((SECONDS - t0)) s"
    else
        log "make bench: FAILED (exit $rc) after $((SECONDS - t0)) s"
    fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------

stop_server() {
    kp_server_stop 15
    srv_pid=
}

# start_server LOG [K=V …]: start the server with the bench settings; sets srv_pid,
# srv_port and base.
start_server() {
    local logf=$1
    shift
    local -a extra=()
    read -ra extra <<<"$BENCH_SERVER_ENV"
    # Appending (>>) so the log can be truncated between runs.
    kp_server_start "$logf" 30 PER_IP_CONNECTION_LIMIT=$((BENCH_CONNECTIONS * 2)) \
        "$@" "${extra[@]}" || die "the server did not become ready"
    srv_pid=$KP_SRV_PID srv_port=$KP_SRV_PORT base=$KP_BASE
}

# wrk_run SECONDS URL [LUA]: wrk with the bench settings; output on stdout.
wrk_run() {
    local secs=$1 url=$2 lua=${3:-}
    local -a args=(-t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${secs}s" --latency --timeout 5s)
    [[ -z $lua ]] || args+=(-s "$KP_ROOT/tests/bench/$lua")
    LUA_PATH="$KP_ROOT/tests/bench/?.lua;;" wrk "${args[@]}" "$url" 2>&1
}

# Latency value of wrk ("812.00us", "1.53ms", "2.01s") in milliseconds.
wrk_fields() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v + 0
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        $2 == "requests" && $3 == "in" { reqs = $1 }
        /Non-2xx or 3xx responses:/ { bad += $NF }
        /Socket errors:/ { gsub(/,/, ""); bad += $4 + $6 + $8 + $10 }
        /^bench: unexpected=/ { split($0, a, "="); bad += a[2] }
        END { printf "%s %s %s %s %d\n", rps + 0, reqs + 0, p50 + 0, p99 + 0, bad }'
}

# Per kind of request in an access log (slugs and query values folded): count, mean and
# max duration, slowest first. For the mix, where wrk sees only the total.
route_breakdown() {
    awk '
        $2 ~ /^(GET|POST|PATCH|DELETE)$/ {
            st = 0
            for (i = 4; i <= NF; i++) if ($i ~ /^[1-5][0-9][0-9]$/) { st = i; break }
            if (!st) next
            path = $3
            for (j = 4; j < st; j++) path = path " " $j
            us = 0
            for (j = st + 1; j <= NF; j++) if ($j ~ /^[0-9]+us$/) { us = $j + 0; break }
            q = ""
            if ((k = index(path, "?")) > 0) {
                n = split(substr(path, k + 1), kv, "&")
                for (j = 1; j <= n; j++) { split(kv[j], a, "="); q = q (j > 1 ? "&" : "?") a[1] }
                path = substr(path, 1, k - 1)
            }
            gsub(/bench-centre-[0-9]+/, "{centre}", path)
            gsub(/bench-news-[0-9]+/, "{news}", path)
            gsub(/municipalities\/[0-9]+/, "municipalities/{n}", path)
            key = $2 " " path q
            cnt[key]++; sum[key] += us; if (us > mx[key]) mx[key] = us
            if ($st >= 400) bad[key]++
        }
        END {
            for (k in cnt)
                printf "%10.2f %6d %10.1f %6d  %s\n", sum[k] / cnt[k] / 1000, cnt[k], mx[k] / 1000, bad[k], k
        }' "$1" | sort -rn | awk 'BEGIN { printf "  %10s %6s %10s %6s  %s\n", "mean ms", "count", "max ms", "4/5xx", "request" }
                               { printf "  %s\n", $0 }'
}

# What the server's access log says about the requests of one run: "2xx 3xx 4xx 5xx".
log_statuses() {
    awk '$2 ~ /^(GET|POST|PATCH|DELETE|HEAD|PUT|OPTIONS)$/ {
             for (i = 4; i <= NF; i++) if ($i ~ /^[1-5][0-9][0-9]$/) { c[substr($i, 1, 1)]++; break }
         }
         END { printf "%d %d %d %d\n", c[2], c[3], c[4], c[5] }' "$1"
}

selected() {
    [[ -z $BENCH_ONLY || $1 =~ $BENCH_ONLY ]]
}

# ---------------------------------------------------------------------------------------
# one measured run
# ---------------------------------------------------------------------------------------
declare -a rows=()
nginx_rps=0
nginx304_rps=0
# measure NAME PASS TARGET_KIND URL [LUA] [server|nginx]
# TARGET_KIND (which targets apply): list get search near write 304 mix filter read,
# ceiling ceiling304 (nginx)
measure() {
    local name=$1 pass=$2 kind=$3 url=$4 lua=${5:-} who=${6:-server}
    local out pid port c0 c1 p0 p1 rss statuses
    if [[ $who == nginx ]]; then
        pid=$ngx_pid port=$ngx_port
    else
        pid=$srv_pid port=$srv_port
    fi
    selected "$name" || [[ $who == nginx ]] || return 0
    export BENCH_RUN="$pass-$name"
    # a fresh token for the write runs (kpbench.lua logs in again when a run outlives it)
    if [[ $kind == write || $kind == mix ]]; then
        BENCH_TOKEN=$(kp_login) || die "the editor could not log in"
        export BENCH_TOKEN
    fi
    log "$pass: $name (warm-up ${BENCH_WARMUP} s, then ${BENCH_SECONDS} s)"
    if ((BENCH_WARMUP > 0)); then
        BENCH_RUN="$pass-$name-warm" wrk_run "$BENCH_WARMUP" "$url" "$lua" >"$tmp/warm.out" ||
            { cat "$tmp/warm.out" >&2; die "wrk failed (warm-up of $name)"; }
    fi
    kp_wait_idle "$port"
    : >"$tmp/server.log"
    # BENCH_PERF=1: profile the server where it answers from its cache (get), the
    # database where the server does not (nocache list), and both under the mix.
    local perf_pids=
    if [[ $BENCH_PERF == 1 ]]; then
        case $pass:$name in
        cached:get) perf_pids=$pid ;;
        nocache:list) perf_pids=$(kp_pg_pids) ;;
        cached:mix) perf_pids=$pid,$(kp_pg_pids) ;;
        esac
    fi
    if [[ -n $perf_pids ]]; then
        perf record -g -F 999 -p "$perf_pids" -o "$tmp/perf.data" -- sleep "$BENCH_SECONDS" \
            >"$tmp/perf.log" 2>&1 &
        perf_pid=$!
    fi
    c0=$(kp_proc_ticks "$pid") p0=$(kp_pg_ticks)
    out=$(wrk_run "$BENCH_SECONDS" "$url" "$lua") || { printf '%s\n' "$out" >&2; die "wrk failed ($name)"; }
    c1=$(kp_proc_ticks "$pid") p1=$(kp_pg_ticks)
    read -r rss _ <<<"$(kp_proc_sample "$pid")"
    if [[ -n ${perf_pid:-} ]]; then
        wait "$perf_pid" || true
        perf_pid=
        perf report -i "$tmp/perf.data" --stdio --no-children -g none --sort comm,dso,sym \
            --percent-limit 0.5 2>/dev/null | grep -v '^$' | head -n 80 \
            >"$out_dir/perf-$stamp-$pass-$name.txt" || true
        log "perf profile: ${out_dir#"$KP_ROOT"/}/perf-$stamp-$pass-$name.txt"
        rm -f -- "$tmp/perf.data"
    fi
    printf '### %s %s %s\n%s\n' "$pass" "$name" "$url" "$out" >>"$raw_out"
    [[ $kind != mix || $who != server ]] || cp -- "$tmp/server.log" "$tmp/access-$pass-$name.log"
    read -r rps reqs p50 p99 errs <<<"$(wrk_fields <<<"$out")"
    if [[ $who == server ]]; then
        statuses=$(log_statuses "$tmp/server.log")
    else
        statuses="- - - -"
    fi
    [[ $kind != ceiling ]] || nginx_rps=$rps
    [[ $kind != ceiling304 ]] || nginx304_rps=$rps
    rows+=("$pass|$name|$kind|$url|$rps|$reqs|$p50|$p99|$errs|$rss|$((c1 - c0))|$((p1 - p0))|$statuses")
}

# ---------------------------------------------------------------------------------------
# 1. packages and build
# ---------------------------------------------------------------------------------------
extra=(wrk nginx)
[[ $BENCH_PERF != 1 ]] || extra+=(linux-perf)
ensure_deps "${extra[@]}"
build_tree "$KP_ROOT/build" Release || die "Release build failed"

out_dir=$KP_ROOT/tests/bench/out
mkdir -p "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw_out=$out_dir/wrk-$stamp.txt
: >"$raw_out"

# ---------------------------------------------------------------------------------------
# 2. database, data set, editor
# ---------------------------------------------------------------------------------------
kp_env_up bench "$EDITOR_CENTRE" "$BENCH_CENTRES" "$BENCH_NEWS" ||
    die "could not set up the bench database"
# The temporary folder is readable by postgres and by nginx's workers (nobody, as root).
tmp=$KP_TMP
mkdir -p "$tmp/www" "$tmp/nginx"
bin=$KP_BIN

# ---------------------------------------------------------------------------------------
# 3./4. server and nginx
# ---------------------------------------------------------------------------------------
start_server "$tmp/server.log"
log "server: pid $srv_pid, $base"

list_path='/v1/centres?limit=20'
curl -sf -D "$tmp/list.headers" -o "$tmp/www/list.json" "$base$list_path" ||
    die "GET $list_path failed"
chmod 0644 "$tmp/www/list.json"
etag=$(awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }' "$tmp/list.headers")
[[ -n $etag ]] || die "the list answer has no ETag"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base$list_path")
[[ $code == 304 ]] || die "If-None-Match with the list's ETag answered $code, not 304"

ngx_port=$(free_port) || die "no free port for nginx"
ngx_user=
if ((EUID == 0)); then
    ngx_user="user nobody $(id -gn nobody 2>/dev/null || echo nogroup);"
fi
cat >"$tmp/nginx/nginx.conf" <<EOF
# generated by scripts/bench.sh: the ceiling, a static copy of the list answer
$ngx_user
daemon off;
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    types { }
    default_type application/json;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000000;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$ngx_port;
        root $tmp/www;
        location / { }
    }
}
EOF
nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf" </dev/null &
ngx_pid=$!
for ((i = 0; i < 50; i++)); do
    curl -sf -o "$tmp/nginx.json" "http://127.0.0.1:$ngx_port/list.json" 2>/dev/null && break
    kill -0 "$ngx_pid" 2>/dev/null || { cat "$tmp/nginx/error.log" >&2; die "nginx did not start"; }
    sleep 0.1
done
cmp -s "$tmp/nginx.json" "$tmp/www/list.json" || die "nginx does not serve the list bytes"
ngx_etag=$(kp_etag "http://127.0.0.1:$ngx_port/list.json")
log "nginx: pid $ngx_pid, port $ngx_port, serving $(wc -c <"$tmp/www/list.json") bytes"

export BENCH_CENTRES BENCH_NEWS BENCH_SECONDS BENCH_Q
export BENCH_EMAIL=$KP_EDITOR_EMAIL BENCH_PASSWORD=$KP_EDITOR_PASSWORD BENCH_OWNER=$EDITOR_CENTRE

ngx_url=http://127.0.0.1:$ngx_port/list.json
q_news="/v1/news?q=$BENCH_Q"
q_centres="/v1/centres?q=$BENCH_Q"
near_path='/v1/centres?near=63.43,10.39&radius_km=50'
nearest_path='/v1/municipalities/5001/nearest-centres'
filter_path='/v1/centres?region=midt&tag=recovery'
news_path='/v1/news?limit=20'

# Every read must answer 200 before it is measured (a 404 is fast but worthless).
for path in "$list_path" "/v1/centres/$SEED_SLUG" "/v1/centres/bench-centre-42" "$filter_path" \
    "$q_news" "$q_centres" "$near_path" "$nearest_path" "$news_path"; do
    code=$(curl -s -o "$tmp/probe.json" -w '%{http_code}' "$base$path")
    [[ $code == 200 ]] || die "GET $path answered $code"
    grep -q '"items":\[{' "$tmp/probe.json" || [[ $path != *'?'* && $path != *nearest* ]] ||
        die "GET $path found nothing: the filter does not match the generated data"
done

# 3. the measured runs. Reads first, then the writes (which change the data and, with a
# response cache, invalidate it), then the mix.
measure nginx ceiling ceiling "$ngx_url" "" nginx
BENCH_ETAG=$ngx_etag measure nginx-304 ceiling ceiling304 "$ngx_url" etag.lua nginx
run_reads() {
    local pass=$1
    measure list "$pass" list "$base$list_path"
    measure get "$pass" get "$base/v1/centres/$SEED_SLUG"
    measure get-random "$pass" get "$base" get.lua
    measure filter "$pass" filter "$base$filter_path"
    measure search-news "$pass" search "$base$q_news"
    measure search-centres "$pass" search "$base$q_centres"
    measure near "$pass" near "$base$near_path"
    measure nearest "$pass" near "$base$nearest_path"
    measure news-list "$pass" read "$base$news_path"
}
run_reads cached
# the ETag may have changed since it was fetched only if the data did: it has not yet
BENCH_ETAG=$etag measure 304 cached 304 "$base$list_path" etag.lua
measure write cached write "$base" write.lua
measure mix cached mix "$base" mix.lua

# ---------------------------------------------------------------------------------------
# 6./7. without the response cache: EXPLAIN of the server's own SQL, then the reads again
# ---------------------------------------------------------------------------------------
cache_supported=0
help_text=$("$bin" --help 2>&1 || true)
[[ $help_text != *CACHE_MAX_BYTES* ]] || cache_supported=1
if [[ $BENCH_EXPLAIN == 1 || $BENCH_UNCACHED == 1 ]]; then
    stop_server
    : >"$tmp/server.log"
    start_server "$tmp/server.log" CACHE_MAX_BYTES=0
    log "server restarted without the response cache: pid $srv_pid, $base"
fi

explain_rows=
if [[ $BENCH_EXPLAIN == 1 ]]; then
    log "capturing the server's SQL (log_min_duration_statement = 0)"
    pg_psql "$KP_PG_PORT" -d "$KP_DB" -c 'ALTER SYSTEM SET log_min_duration_statement = 0' \
        -c 'SELECT pg_reload_conf()' >/dev/null
    sleep 0.5
    : >"$tmp/captured.sql"
    n=0
    for spec in "list|$list_path" "get|/v1/centres/$SEED_SLUG" "filter|$filter_path" \
        "search-news|$q_news" "search-centres|$q_centres" "near|$near_path" \
        "nearest|$nearest_path" "news-list|$news_path"; do
        name=${spec%%|*} path=${spec#*|}
        off=$(stat -c %s "$KP_PG_DIR/log")
        curl -sf -o /dev/null "$base$path" || die "GET $path failed"
        sleep 0.3
        # "LOG:  duration: … ms  execute NAME: SQL" followed (same pid) by
        # "DETAIL:  parameters: $1 = '…', $2 = '…'": PREPARE the text, EXECUTE the values.
        tail -c +$((off + 1)) "$KP_PG_DIR/log" | awk -v name="$name" -v start="$n" '
            function flush(p) {
                if (!(p in sql)) return
                k++
                printf "PREPARE kp%d AS %s;\n", start + k, sql[p]
                e = "EXECUTE kp" (start + k) (p in par ? "(" par[p] ")" : "")
                printf "SELECT * FROM pg_temp.kp_explain(%s, $kpq$%s$kpq$, %s);\n",
                       "'\''" name (k > 1 ? " #" k : "") "'\''", e, "'\''kp" (start + k) "'\''"
                printf "DEALLOCATE kp%d;\n", start + k
                delete sql[p]; delete par[p]
            }
            match($0, /\[[0-9]+\] /) {
                pid = substr($0, RSTART, RLENGTH)
                rest = substr($0, RSTART + RLENGTH)
                if (rest ~ /^LOG:  duration: [0-9.]+ ms  execute [^:]+: /) {
                    flush(pid)
                    sub(/^LOG:  duration: [0-9.]+ ms  execute [^:]+: /, "", rest)
                    sql[pid] = rest
                } else if (rest ~ /^DETAIL:  parameters: / && (pid in sql)) {
                    sub(/^DETAIL:  parameters: /, "", rest)
                    gsub(/(^|, )\$[0-9]+ = /, ", ", rest)
                    sub(/^, /, "", rest)
                    par[pid] = rest
                    flush(pid)
                } else {
                    flush(pid)
                }
            }
            END { for (p in sql) flush(p); print "-- " k + 0 > "/dev/stderr" }' \
            >>"$tmp/captured.sql" 2>"$tmp/captured.count"
        n=$((n + $(sed -n 's/^-- //p' "$tmp/captured.count")))
    done
    pg_psql "$KP_PG_PORT" -d "$KP_DB" -c 'ALTER SYSTEM RESET log_min_duration_statement' \
        -c 'SELECT pg_reload_conf()' >/dev/null
    log "captured $n statements; EXPLAIN (ANALYZE)"
    cp -- "$tmp/captured.sql" "$out_dir/captured-$stamp.sql"
    if explain_rows=$(pg_psql "$KP_PG_PORT" -d "$KP_DB" -At -F $'\t' -v q="$BENCH_Q" \
        -v captured="$tmp/captured.sql" -f "$KP_ROOT/tests/bench/explain.sql" 2>"$tmp/explain.err"); then
        printf '%s\n' "$explain_rows" >"$out_dir/explain-$stamp.tsv"
    else
        cat "$tmp/explain.err" >&2
        warn "EXPLAIN failed"
        explain_rows=
    fi
fi

if [[ $BENCH_UNCACHED == 1 ]]; then
    if ((cache_supported)); then
        run_reads nocache
        etag=$(kp_etag "$base$list_path")
        BENCH_ETAG=$etag measure 304 nocache 304 "$base$list_path" etag.lua
        measure write nocache write "$base" write.lua
        measure mix nocache mix "$base" mix.lua
    else
        log "this build has no response cache (no CACHE_MAX_BYTES): skipping the uncached pass"
    fi
fi

# ---------------------------------------------------------------------------------------
# 5. report
# ---------------------------------------------------------------------------------------
clk=$(getconf CLK_TCK)
tsv=$out_dir/results-$stamp.tsv
report=$out_dir/report-$stamp.txt
git_rev=$(git -C "$KP_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git_dirty=$(git -C "$KP_ROOT" status --porcelain --untracked-files=no 2>/dev/null | wc -l)
{
    printf 'pass\tendpoint\turl\treq_per_s\trequests\tp50_ms\tp99_ms\terrors\tstatus_2xx\tstatus_3xx\tstatus_4xx\tstatus_5xx\trss_mb\tserver_cpu_us_per_req\tpg_cpu_us_per_req\tratio_to_nginx\tresult\tfailed\n'
} >"$tsv"

awk_report() {
    awk -F'|' -v clk="$clk" -v ngx="$nginx_rps" -v ngx304="$nginx304_rps" -v tsv="$tsv" \
        -v T_LIST="$T_LIST" -v T_GET="$T_GET" -v T_SEARCH="$T_SEARCH" -v T_NEAR="$T_NEAR" \
        -v T_WRITE="$T_WRITE" -v T_P99="$T_P99_MS" -v T_CEIL="$T_CEILING" -v T_RSS="$T_RSS_MB" '
    function add(cond, what) { if (!cond) { fail = fail (fail == "" ? "" : ",") what } }
    BEGIN {
        fmt = "%-8s %-15s %9s %8s %8s %7s %7s %9s %9s %7s  %s\n"
        printf fmt, "pass", "endpoint", "req/s", "p50 ms", "p99 ms", "errors", "RSS MB",
               "srv us/rq", "pg us/rq", "xnginx", "result"
    }
    {
        pass = $1; name = $2; kind = $3; url = $4; rps = $5 + 0; reqs = $6 + 0
        p50 = $7 + 0; p99 = $8 + 0; errs = $9 + 0; rss = $10 / 1024
        split($13, st, " ")
        srv_us = reqs ? $11 * 1e6 / clk / reqs : 0
        pg_us = reqs ? $12 * 1e6 / clk / reqs : 0
        ceil = kind == "304" ? ngx304 : ngx
        ratio = (ceil > 0 && kind !~ /^ceiling/) ? rps / ceil : 0
        fail = ""
        if (kind !~ /^ceiling/) {
            add(errs == 0, "errors")
            add(st[4] + 0 == 0, "5xx")
            add(p99 <= T_P99, "p99>" T_P99 "ms")
            add(rss <= T_RSS, "rss>" T_RSS "MB")
            if (kind == "list") add(rps >= T_LIST, "<" T_LIST "/s")
            if (kind == "get") add(rps >= T_GET, "<" T_GET "/s")
            if (kind == "search") add(rps >= T_SEARCH, "<" T_SEARCH "/s")
            if (kind == "near") add(rps >= T_NEAR, "<" T_NEAR "/s")
            if (kind == "write") add(rps >= T_WRITE, "<" T_WRITE "/s")
            # repeated identical reads (what a response cache serves) and 304s
            if (pass == "cached" && (kind == "list" || kind == "get" && name == "get" || kind == "304"))
                add(ratio >= T_CEIL, "<" T_CEIL * 100 "%nginx")
            result = fail == "" ? "PASS" : "FAIL"
        } else {
            add(errs == 0, "errors")
            result = fail == "" ? "ceiling" : "FAIL"
            srv_us = 0; pg_us = 0; rss = 0
        }
        printf fmt, pass, name, sprintf("%.0f", rps), sprintf("%.2f", p50), sprintf("%.2f", p99),
               errs, kind ~ /^ceiling/ ? "-" : sprintf("%.1f", rss),
               kind ~ /^ceiling/ ? "-" : sprintf("%.0f", srv_us),
               kind ~ /^ceiling/ ? "-" : sprintf("%.0f", pg_us),
               ratio ? sprintf("%.2f", ratio) : "-", result (fail == "" ? "" : " " fail)
        printf "%s\t%s\t%s\t%.2f\t%d\t%.3f\t%.3f\t%d\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.3f\t%s\t%s\n",
               pass, name, url, rps, reqs, p50, p99, errs, st[1], st[2], st[3], st[4], rss,
               srv_us, pg_us, ratio, result, fail >> tsv
    }'
}

{
    echo
    echo "knutepunkt benchmark $stamp (git $git_rev$( ((git_dirty)) && echo ", $git_dirty files changed"))"
    echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d${BENCH_SECONDS}s;" \
        "$BENCH_CENTRES centres, $BENCH_NEWS news; q=$BENCH_Q"
    echo "cached = server defaults (response cache on); nocache = CACHE_MAX_BYTES=0 (the database path)."
    echo "errors = non-2xx/3xx + socket errors (+ non-304 in the 304 run); RSS after the run;"
    echo "CPU per request = utime+stime delta / requests (srv: the server, pg: the whole cluster)."
    echo
    printf '%s\n' "${rows[@]}" | awk_report
    echo
    if [[ -n $explain_rows ]]; then
        echo "EXPLAIN (ANALYZE) — the server's statements (custom/generic plan after 5 runs) and sql: hand-written equivalents"
        printf '%s\n' "$explain_rows" | awk -F'\t' '
            {
                flag = ""
                n = split($5, s, ",")
                for (i = 1; i <= n; i++) if (s[i] == "centre" || s[i] == "news") flag = flag " " s[i]
                printf "  %-46s %9s ms  %-7s %s\n", substr($1, 1, 46), $2, $3, $4
                if ($5 != "") printf "  %-46s %s\n", "", "seq scans: " $5
                if (flag != "") printf "  %-46s %s\n", "", "!!! SEQ SCAN ON" flag " !!!"
            }'
        echo
    fi
    for f in "$tmp"/access-*.log; do
        [[ -e $f ]] || continue
        f_name=${f##*/access-}
        echo "Server time per kind of request during ${f_name%.log} (access log; durations inside the server)"
        route_breakdown "$f"
        echo
    done
    echo "results: ${tsv#"$KP_ROOT"/} (and latest.tsv); wrk output: ${raw_out#"$KP_ROOT"/}"
} | tee "$report"
cp -- "$tsv" "$out_dir/latest.tsv"
cp -- "$report" "$out_dir/latest.txt"
