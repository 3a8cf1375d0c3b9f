#!/usr/bin/env bash
# `make soak`: a long run of mixed reads and writes against the Release build, watching
# the server for leaks (memory, file descriptors, threads) and for any 5xx.
#
#  1. installs what is missing (wrk), builds Release;
#  2. starts a throwaway PostgreSQL cluster (fsync off), migrates + seeds, loads a smaller
#     tests/bench/data.sql set (2,000 centres, 20,000 news items), creates an editor;
#  3. starts the server (PER_IP_CONNECTION_LIMIT above wrk's connections) and drives it
#     with wrk and tests/soak/soak.lua (~90 % reads: list, get, filter, search, near,
#     nearest, conditional 304; ~10 % authenticated POST/PATCH of news, through
#     tests/bench/kpbench.lua, which logs in again before the token runs out) for
#     SOAK_WARMUP + SOAK_SECONDS;
#  4. samples the server every 10 s: VmRSS, open fds, threads;
#  5. prints a summary and writes tests/soak/out/soak-*.tsv (samples), soak-*.json
#     (results) and latest.{json,tsv,txt}.
# Fails when: any 5xx, any socket error (connect/read/write/timeout), RSS growth >= 5 %
# after the warm-up, fd growth > 5 (under load, and idle before/after), the server not
# stopping cleanly.
#
# SOAK_VALGRIND=1 runs the server (Release, -O2 -g) under valgrind memcheck with 8
# connections instead, and fails on any valgrind error or definite leak (the server
# exits 0 on SIGTERM; valgrind's --error-exitcode=3 turns errors into exit 3). Under
# valgrind, RSS is valgrind's own and only reported.
#
# Settings (environment):
#   SOAK_SECONDS=600      measured seconds after the warm-up   SOAK_WARMUP=30
#   SOAK_CONNECTIONS=64   wrk connections (8 with valgrind)    SOAK_THREADS=2 wrk threads
#   SOAK_CENTRES=2000     SOAK_NEWS=20000                     generated rows
#   SOAK_RSS_PCT=5        SOAK_FD_GROWTH=5                    failure thresholds
#   SOAK_VALGRIND=0       1: the server runs under valgrind
#   SOAK_SERVER_ENV="K=V …"  extra environment for the server
#   SOAK_KEEP_CLUSTER=0   1: keep the loaded cluster in SOAK_CLUSTER_DIR (default
#                         var/soak-cluster) and reuse it while migrations/*.sql,
#                         tests/bench/data.sql and the row counts stay the same; every run
#                         gets a fresh copy of the loaded database (scripts/benchlib.sh)
#
# As a library (source it; scripts/sqlmap.sh does) it is scripts/benchlib.sh: kp_env_up,
# kp_server_start, kp_server_stop, kp_login, kp_env_down — a throwaway cluster + server.

# shellcheck source-path=SCRIPTDIR source=benchlib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/benchlib.sh"

# Library mode stops here.
if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
    return 0
fi

# ---------------------------------------------------------------------------------------
# make soak
# ---------------------------------------------------------------------------------------
set -euo pipefail
cd "$KP_ROOT"

SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_WARMUP=${SOAK_WARMUP:-30}
SOAK_VALGRIND=${SOAK_VALGRIND:-0}
if [[ $SOAK_VALGRIND == 1 ]]; then
    SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-8}
else
    SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-64}
fi
SOAK_THREADS=${SOAK_THREADS:-2}
SOAK_CENTRES=${SOAK_CENTRES:-2000}
SOAK_NEWS=${SOAK_NEWS:-20000}
SOAK_RSS_PCT=${SOAK_RSS_PCT:-5}
SOAK_FD_GROWTH=${SOAK_FD_GROWTH:-5}
SOAK_SERVER_ENV=${SOAK_SERVER_ENV:-}
SOAK_CLUSTER_DIR=${SOAK_CLUSTER_DIR:-}
SOAK_KEEP_CLUSTER=${SOAK_KEEP_CLUSTER:-$([[ -n $SOAK_CLUSTER_DIR ]] && echo 1 || echo 0)}
SOAK_INTERVAL=10
for v in SOAK_SECONDS SOAK_WARMUP SOAK_CONNECTIONS SOAK_THREADS SOAK_CENTRES SOAK_NEWS \
    SOAK_RSS_PCT SOAK_FD_GROWTH; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
[[ $SOAK_VALGRIND == 0 || $SOAK_VALGRIND == 1 ]] || die "SOAK_VALGRIND must be 0 or 1"
[[ $SOAK_KEEP_CLUSTER == 0 || $SOAK_KEEP_CLUSTER == 1 ]] || die "SOAK_KEEP_CLUSTER must be 0 or 1"
[[ $SOAK_KEEP_CLUSTER == 0 ]] || KP_KEEP_DIR=${SOAK_CLUSTER_DIR:-$KP_ROOT/var/soak-cluster}
((SOAK_SECONDS >= SOAK_INTERVAL)) || die "SOAK_SECONDS must be at least $SOAK_INTERVAL"
((SOAK_CONNECTIONS >= SOAK_THREADS && SOAK_THREADS >= 1)) ||
    die "need SOAK_CONNECTIONS >= SOAK_THREADS >= 1"
((SOAK_CENTRES >= 100 && SOAK_NEWS >= 100)) || die "need at least 100 centres and 100 news items"

EDITOR_CENTRE=bench-centre-1
total=$((SOAK_WARMUP + SOAK_SECONDS))
t0=$SECONDS
vg_log=
finish() {
    local rc=$?
    set +e
    [[ -z ${sampler_wrk_pid:-} ]] || kill -TERM "$sampler_wrk_pid" 2>/dev/null
    kp_env_down
    # the log filter ends with the server; one still waiting on its FIFO does not
    [[ -z ${filter_pid:-} ]] || kill -TERM "$filter_pid" 2>/dev/null
    if ((rc == 0)); then
        log "make soak: PASS in $((SECONDS - t0)) s"
    else
        log "make soak: FAILED (exit $rc) after $((SECONDS - t0)) s"
    fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ensure_deps wrk
build_release || die "Release build failed"

out_dir=$KP_ROOT/tests/soak/out
mkdir -p -- "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mode=normal
[[ $SOAK_VALGRIND == 0 ]] || mode=valgrind

kp_env_up soak "$EDITOR_CENTRE" "$SOAK_CENTRES" "$SOAK_NEWS" ||
    die "could not set up the soak database"

# The access log of a long run is big: keep the server's own messages and the access
# lines of 5xx answers, count the rest by status class (counts go to $KP_TMP/statuses).
mkfifo -- "$KP_TMP/server.fifo"
awk -v counts="$KP_TMP/statuses" '
    match($0, / [1-5][0-9][0-9] [0-9]+B [0-9]+us rid=/) {
        s = substr($0, RSTART + 1, 3); c[substr(s, 1, 1)]++
        if (s >= 500) print
        fflush()
        next
    }
    { print; fflush() }
    END { printf "%d %d %d %d\n", c[2], c[3], c[4], c[5] > counts }' \
    <"$KP_TMP/server.fifo" >"$KP_TMP/server.log" &
filter_pid=$!

server_env=(PER_IP_CONNECTION_LIMIT=$((SOAK_CONNECTIONS * 2 + 8)))
read -ra extra_env <<<"$SOAK_SERVER_ENV"
server_env+=("${extra_env[@]}")
ready_s=30
stop_grace=15
wrk_timeout=5s
if [[ $SOAK_VALGRIND == 1 ]]; then
    vg_log=$KP_TMP/valgrind.log
    KP_SERVER_WRAPPER=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite
        --errors-for-leak-kinds=definite --error-exitcode=3 --num-callers=30
        --fair-sched=yes --log-file="$vg_log")
    ready_s=180
    stop_grace=120
    wrk_timeout=30s
    # valgrind runs one thread at a time: fewer workers and more patience.
    server_env+=(THREADS=4 DB_ACQUIRE_TIMEOUT_MS=20000 STATEMENT_TIMEOUT_MS=30000)
fi
kp_server_start "$KP_TMP/server.fifo" "$ready_s" "${server_env[@]}" ||
    die "the server did not start"
log "server: pid $KP_SRV_PID, $KP_BASE ($mode)"

etag_path='/v1/centres?limit=20'
etag=$(kp_etag "$KP_BASE$etag_path")
[[ -n $etag ]] || die "GET $etag_path has no ETag"
for path in /v1/centres/bench-centre-42 '/v1/centres?region=midt&tag=recovery' \
    '/v1/news?q=friluftsliv' '/v1/centres?near=63.43,10.39&radius_km=50' \
    /v1/municipalities/5001/nearest-centres /v1/news/bench-news-50; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$KP_BASE$path")
    [[ $code == 200 ]] || die "GET $path answered $code before the run"
done
token=$(kp_login) || die "the editor could not log in"

# Idle baseline: after a few requests, before the load.
kp_wait_idle "$KP_SRV_PORT"
read -r _ idle_fd0 idle_thr0 <<<"$(kp_proc_sample "$KP_SRV_PID")"

export BENCH_TOKEN=$token BENCH_EMAIL=$KP_EDITOR_EMAIL BENCH_PASSWORD=$KP_EDITOR_PASSWORD
export BENCH_OWNER=$EDITOR_CENTRE BENCH_NEWS=$SOAK_NEWS BENCH_CENTRES=$SOAK_CENTRES
export BENCH_RUN=soak-$stamp BENCH_SECONDS=$total BENCH_RELOGIN_S=600
export SOAK_ETAG=$etag SOAK_ETAG_PATH=$etag_path

samples=$out_dir/soak-$stamp.tsv
printf 't_s\trss_kb\tfds\tthreads\n' >"$samples"
log "wrk -t$SOAK_THREADS -c$SOAK_CONNECTIONS for $total s ($SOAK_WARMUP s warm-up + $SOAK_SECONDS s)," \
    "sampling every $SOAK_INTERVAL s"
LUA_PATH="$KP_ROOT/tests/soak/?.lua;$KP_ROOT/tests/bench/?.lua;;" \
    wrk -t"$SOAK_THREADS" -c"$SOAK_CONNECTIONS" -d"${total}s" --timeout "$wrk_timeout" --latency \
    -s "$KP_ROOT/tests/soak/soak.lua" "$KP_BASE" >"$KP_TMP/wrk.out" 2>&1 &
sampler_wrk_pid=$!
start_rt=$EPOCHREALTIME
rss_start='' fd_start='' thr_start='' rss_end='' fd_end='' thr_end=''
rss_max=0 fd_max=0 thr_max=0
for ((tick = 0; ; tick += SOAK_INTERVAL)); do
    # sleep until start + tick (EPOCHREALTIME keeps the grid from drifting)
    delay=$(awk -v s="$start_rt" -v n="$EPOCHREALTIME" -v t="$tick" 'BEGIN { d = s + t - n; print (d > 0 ? d : 0) }')
    sleep "$delay"
    kill -0 "$sampler_wrk_pid" 2>/dev/null || break
    # the last tick before wrk ends (it would race with wrk closing its connections)
    ((tick <= total - 2)) || break
    read -r rss fds thr <<<"$(kp_proc_sample "$KP_SRV_PID")"
    ((rss > 0)) || die "the server is gone (pid $KP_SRV_PID) at t=$tick s"
    printf '%d\t%d\t%d\t%d\n' "$tick" "$rss" "$fds" "$thr" >>"$samples"
    if ((tick >= SOAK_WARMUP)) && [[ -z $rss_start ]]; then
        rss_start=$rss fd_start=$fds thr_start=$thr
    fi
    rss_end=$rss fd_end=$fds thr_end=$thr
    ((rss <= rss_max)) || rss_max=$rss
    ((fds <= fd_max)) || fd_max=$fds
    ((thr <= thr_max)) || thr_max=$thr
    printf '  t=%4ds  RSS %7.1f MB  fds %4d  threads %3d\n' "$tick" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$fds" "$thr" >&2
done
wrk_rc=0
wait "$sampler_wrk_pid" || wrk_rc=$?
sampler_wrk_pid=
cp -- "$KP_TMP/wrk.out" "$out_dir/wrk-$stamp.txt"
((wrk_rc == 0)) || {
    cat -- "$KP_TMP/wrk.out" >&2
    die "wrk failed (exit $wrk_rc)"
}
[[ -n $rss_start ]] || die "no sample after the warm-up"

kp_wait_idle "$KP_SRV_PORT"
sleep 1
read -r _ idle_fd1 idle_thr1 <<<"$(kp_proc_sample "$KP_SRV_PID")"

log "stopping the server (SIGTERM, up to $stop_grace s)"
kp_server_stop "$stop_grace"
srv_rc=$KP_SRV_RC
wait "$filter_pid" || true
read -r st2 st3 st4 st5 <<<"$(cat -- "$KP_TMP/statuses" 2>/dev/null || echo '0 0 0 0')"

# ---------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------
wrk_out=$(<"$KP_TMP/wrk.out")
requests=$(awk '$2 == "requests" && $3 == "in" { print $1 }' <<<"$wrk_out")
rps=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$wrk_out")
p50=$(awk '$1 == "50%" { print $2 }' <<<"$wrk_out")
p99=$(awk '$1 == "99%" { print $2 }' <<<"$wrk_out")
soak_line=$(grep -m1 '^soak:' <<<"$wrk_out") || die "wrk printed no 'soak:' line (tests/soak/soak.lua)"
soak_field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$soak_line"; }
c2=$(soak_field 2xx) c3=$(soak_field 3xx) c304=$(soak_field 304) c4=$(soak_field 4xx)
c5=$(soak_field 5xx) e_connect=$(soak_field connect) e_read=$(soak_field read)
e_write=$(soak_field write) e_timeout=$(soak_field timeout) writes=$(soak_field writes)
conn_errors=$((e_connect + e_read + e_write + e_timeout))
growth_pct=$(awk -v a="$rss_start" -v b="$rss_end" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
fd_growth=$((fd_end - fd_start))
idle_fd_growth=$((idle_fd1 - idle_fd0))

vg_errors=- vg_definite=- vg_indirect=- vg_possible=-
if [[ -n $vg_log ]]; then
    cp -- "$vg_log" "$out_dir/valgrind-$stamp.log"
    vg_errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$vg_log" | tail -n 1 | tr -d ,)
    vg_definite=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$vg_log" | tail -n 1 | tr -d ,)
    vg_indirect=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$vg_log" | tail -n 1 | tr -d ,)
    vg_possible=$(sed -n 's/.*possibly lost: \([0-9,]*\) bytes.*/\1/p' "$vg_log" | tail -n 1 | tr -d ,)
    : "${vg_errors:=missing}" "${vg_definite:=0}" "${vg_indirect:=0}" "${vg_possible:=0}"
fi

declare -a failures=()
((c5 == 0 && st5 == 0)) || failures+=("5xx answers: $c5 seen by wrk, $st5 in the access log")
((conn_errors == 0)) || failures+=("socket errors: connect $e_connect, read $e_read, write $e_write, timeout $e_timeout")
if [[ $mode == normal ]]; then
    awk -v g="$growth_pct" -v m="$SOAK_RSS_PCT" 'BEGIN { exit !(g < m) }' ||
        failures+=("RSS grew $growth_pct % after the warm-up (limit < $SOAK_RSS_PCT %)")
fi
((fd_growth <= SOAK_FD_GROWTH)) || failures+=("open fds grew by $fd_growth under load (limit $SOAK_FD_GROWTH)")
((idle_fd_growth <= SOAK_FD_GROWTH)) ||
    failures+=("open fds when idle grew by $idle_fd_growth ($idle_fd0 -> $idle_fd1)")
if [[ $mode == valgrind ]]; then
    ((srv_rc == 0)) || failures+=("server under valgrind exited $srv_rc (3 = valgrind errors)")
    [[ $vg_errors == 0 ]] || failures+=("valgrind: $vg_errors errors")
    [[ $vg_definite == 0 ]] || failures+=("valgrind: $vg_definite bytes definitely lost")
else
    ((srv_rc == 0)) || failures+=("server exited $srv_rc after SIGTERM")
fi
((${#failures[@]} == 0)) && result=PASS || result=FAIL

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
report=$out_dir/soak-$stamp.txt
{
    echo
    echo "knutepunkt soak $stamp ($mode): $(nproc) CPUs; wrk -t$SOAK_THREADS -c$SOAK_CONNECTIONS," \
        "${SOAK_WARMUP} s warm-up + ${SOAK_SECONDS} s; $SOAK_CENTRES centres, $SOAK_NEWS news"
    printf '  %-36s %s\n' \
        "requests (total, req/s)" "$requests ($rps/s), p50 $p50, p99 $p99" \
        "2xx / 3xx (304) / 4xx / 5xx" "$c2 / $c3 ($c304) / $c4 / $c5   (writes sent: $writes)" \
        "access log 2xx / 3xx / 4xx / 5xx" "$st2 / $st3 / $st4 / $st5" \
        "socket errors conn/read/write/tmo" "$e_connect / $e_read / $e_write / $e_timeout" \
        "RSS start (t=${SOAK_WARMUP}s) -> end" "$(mb "$rss_start") MB -> $(mb "$rss_end") MB ($growth_pct %, max $(mb "$rss_max") MB)" \
        "fds start -> end (under load)" "$fd_start -> $fd_end (max $fd_max)" \
        "fds idle before -> after" "$idle_fd0 -> $idle_fd1" \
        "threads start -> end" "$thr_start -> $thr_end (max $thr_max; idle $idle_thr0 -> $idle_thr1)" \
        "server exit status" "$srv_rc"
    if [[ $mode == valgrind ]]; then
        printf '  %-36s %s\n' "valgrind errors / definitely lost" "$vg_errors / $vg_definite bytes" \
            "valgrind indirectly / possibly lost" "$vg_indirect / $vg_possible bytes"
    fi
    echo "  result: $result"
    for f in "${failures[@]}"; do
        echo "    - $f"
    done
    if ((st5 > 0)); then
        echo "  5xx requests (access log, first 20):"
        grep -E ' 5[0-9][0-9] [0-9]+B ' "$KP_TMP/server.log" | head -n 20 | sed 's/^/    /'
    fi
    if [[ $mode == valgrind && ($vg_errors != 0 || $vg_definite != 0) ]]; then
        echo "  valgrind report: ${out_dir#"$KP_ROOT"/}/valgrind-$stamp.log"
    fi
    echo "  samples: ${samples#"$KP_ROOT"/}; results: ${out_dir#"$KP_ROOT"/}/soak-$stamp.json"
} | tee "$report" >&2
cp -- "$KP_TMP/server.log" "$out_dir/server-$stamp.log"

json_str() {
    local v=${1//\\/\\\\}
    printf '"%s"' "${v//\"/\\\"}"
}
{
    printf '{\n'
    printf '  "stamp": "%s", "mode": "%s", "result": "%s",\n' "$stamp" "$mode" "$result"
    printf '  "warmup_s": %d, "seconds": %d, "connections": %d, "threads": %d,\n' \
        "$SOAK_WARMUP" "$SOAK_SECONDS" "$SOAK_CONNECTIONS" "$SOAK_THREADS"
    printf '  "centres": %d, "news": %d,\n' "$SOAK_CENTRES" "$SOAK_NEWS"
    printf '  "requests": %d, "requests_per_s": %s, "p50": "%s", "p99": "%s",\n' \
        "$requests" "${rps:-0}" "$p50" "$p99"
    printf '  "status_2xx": %d, "status_3xx": %d, "status_304": %d, "status_4xx": %d, "status_5xx": %d, "writes": %d,\n' \
        "$c2" "$c3" "$c304" "$c4" "$c5" "$writes"
    printf '  "log_2xx": %d, "log_3xx": %d, "log_4xx": %d, "log_5xx": %d,\n' "$st2" "$st3" "$st4" "$st5"
    printf '  "errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_timeout": %d,\n' \
        "$e_connect" "$e_read" "$e_write" "$e_timeout"
    printf '  "rss_start_kb": %d, "rss_end_kb": %d, "rss_max_kb": %d, "rss_growth_pct": %s,\n' \
        "$rss_start" "$rss_end" "$rss_max" "$growth_pct"
    printf '  "fd_start": %d, "fd_end": %d, "fd_max": %d, "fd_idle_before": %d, "fd_idle_after": %d,\n' \
        "$fd_start" "$fd_end" "$fd_max" "$idle_fd0" "$idle_fd1"
    printf '  "threads_start": %d, "threads_end": %d, "server_exit": %d,\n' "$thr_start" "$thr_end" "$srv_rc"
    printf '  "valgrind_errors": "%s", "valgrind_definitely_lost": "%s",\n' "$vg_errors" "$vg_definite"
    printf '  "failures": ['
    sep=
    for f in "${failures[@]}"; do
        printf '%s%s' "$sep" "$(json_str "$f")"
        sep=', '
    done
    printf ']\n}\n'
} >"$out_dir/soak-$stamp.json"
cp -- "$out_dir/soak-$stamp.json" "$out_dir/latest.json"
cp -- "$samples" "$out_dir/latest.tsv"
cp -- "$report" "$out_dir/latest.txt"

[[ $result == PASS ]] || exit 1
