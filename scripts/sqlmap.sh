#!/usr/bin/env bash
# `make test-sqlmap`: sqlmap (Debian package) against the Release build, target by target
# (SQLMAP_JOBS at a time): every list filter and list parameter of /v1/centres, /v1/news and
# /v1/reports (region, kind, tag, centre, municipality, county, network, date_from, date_to,
# participant_count_from, q, sort, fields, include, cursor, near, radius_km, …), the item
# key in the path (custom marker *), and the JSON body of an authenticated POST /v1/news
# and PATCH /v1/news/{key} (every value marked with *).
#
# It must find nothing. A target fails when sqlmap confirms an injection point (its
# "Parameter: …" summary, "is vulnerable", "parameter '…' is '…' injectable"), when its
# heuristic sees a database error message in an answer ("might be injectable (possible
# DBMS …)"), and when its run did not end with sqlmap's own "do not appear to be
# injectable" verdict (it could not test). Suspicions that sqlmap's own false-positive
# checks dismiss ("appears to be … injectable", then "false positive") are listed, not
# failed. The API answers the bad values with 400, as it should; that is no finding. Any
# 5xx in the server's access log, or the server dying, fails the check too.
#
# The server runs with its response cache off (CACHE_MAX_BYTES=0), so every request
# reaches the database. Risk 3 sends OR-based payloads, which would rewrite many rows
# through an injectable write: harmless here, the database is a throwaway one.
# Everything runs in a temporary folder (sqlmap's HOME and output included), removed at
# the end with the cluster.
#
# Settings (environment):
#   SQLMAP_LEVEL=5  SQLMAP_RISK=3     sqlmap --level/--risk (the most thorough; all 45
#                                     targets take ~2-3 min on 2 cores, 3/2 ~1 min)
#   SQLMAP_JOBS=2                     sqlmap processes at a time (each --threads=4)
#   SQLMAP_ONLY=REGEX                 only the targets whose name matches
#   SQLMAP_TIMEOUT=10                 sqlmap --timeout (seconds per request)
#   SQLMAP_TARGET_S=600               longest run of one target (then: INCOMPLETE, fail)
# Arguments (make test-sqlmap ARGS='…') are passed to every sqlmap run.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=soak.sh disable=SC1091  # followed with shellcheck -x
source "$(dirname -- "${BASH_SOURCE[0]}")/soak.sh"
cd "$KP_ROOT"

SQLMAP_LEVEL=${SQLMAP_LEVEL:-5}
SQLMAP_RISK=${SQLMAP_RISK:-3}
SQLMAP_JOBS=${SQLMAP_JOBS:-2}
SQLMAP_ONLY=${SQLMAP_ONLY:-}
SQLMAP_TIMEOUT=${SQLMAP_TIMEOUT:-10}
SQLMAP_TARGET_S=${SQLMAP_TARGET_S:-600}
for v in SQLMAP_LEVEL SQLMAP_RISK SQLMAP_JOBS SQLMAP_TIMEOUT SQLMAP_TARGET_S; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
((SQLMAP_JOBS >= 1)) || die "SQLMAP_JOBS must be at least 1"
extra_args=("$@")

# A seed centre (the editor's, for the write targets) and a seed news item it owns.
CENTRE=sagatun-recovery
t0=$SECONDS
finish() {
    local rc=$?
    set +e
    local pid
    for pid in "${!running[@]}"; do
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    kp_env_down
    if ((rc == 0)); then
        log "make test-sqlmap: PASS in $((SECONDS - t0)) s"
    else
        log "make test-sqlmap: FAILED (exit $rc) after $((SECONDS - t0)) s"
    fi
}
declare -A running=() # pid -> index of the target
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ensure_deps sqlmap
build_release || die "Release build failed"
kp_env_up sqlmap "$CENTRE" || die "could not set up the database"
kp_server_start "$KP_TMP/server.log" 30 CACHE_MAX_BYTES=0 PER_IP_CONNECTION_LIMIT=256 ||
    die "the server did not start"
log "server: pid $KP_SRV_PID, $KP_BASE"
b=$KP_BASE

# A news item the editor's centre owns (for the PATCH target), and a cursor to tamper with.
news_key=$(curl -sf "$b/v1/news?centre=$CENTRE&limit=1&fields=slug" |
    sed -n 's/.*"slug":"\([^"]*\)".*/\1/p')
[[ -n $news_key ]] || die "no news item of $CENTRE in the seed data"
cursor=$(curl -sf "$b/v1/centres?limit=2" | sed -n 's/.*"next":"\([^"]*\)".*/\1/p')
[[ -n $cursor ]] || die "the centre list has no next cursor"
news_cursor=$(curl -sf "$b/v1/news?limit=2" | sed -n 's/.*"next":"\([^"]*\)".*/\1/p')
[[ -n $news_cursor ]] || die "the news list has no next cursor"

# Targets: NAME|URL|PARAMETER — sqlmap -u URL -p PARAMETER; PARAMETER "*" means the URL
# carries the custom injection marker. Every URL must answer 200 as it is (checked below),
# so that sqlmap compares its payloads against a real page.
targets=(
    "centres region|$b/v1/centres?region=midt|region"
    "centres kind|$b/v1/centres?kind=regional|kind"
    "centres tag|$b/v1/centres?tag=recovery|tag"
    "centres operating_status|$b/v1/centres?operating_status=open|operating_status"
    "centres parent|$b/v1/centres?parent=$CENTRE|parent"
    "centres network|$b/v1/centres?network=knutepunkt-for-recovery|network"
    "centres municipality|$b/v1/centres?municipality=5001|municipality"
    "centres county|$b/v1/centres?county=50|county"
    "centres founded_from|$b/v1/centres?founded_from=2010|founded_from"
    "centres founded_to|$b/v1/centres?founded_to=2020-05|founded_to"
    "centres updated_since|$b/v1/centres?updated_since=2020-01-01T00:00:00Z|updated_since"
    "centres q|$b/v1/centres?q=recovery|q"
    "centres sort|$b/v1/centres?sort=-name|sort"
    "centres fields|$b/v1/centres?fields=slug,name|fields"
    "centres include|$b/v1/centres?include=municipality|include"
    "centres cursor|$b/v1/centres?limit=2&cursor=$cursor|cursor"
    "centres limit|$b/v1/centres?limit=5|limit"
    "centres count|$b/v1/centres?count=exact|count"
    "centres near|$b/v1/centres?near=63.43,10.39&radius_km=200|near"
    "centres radius_km|$b/v1/centres?near=63.43,10.39&radius_km=200|radius_km"
    "centres near_municipality|$b/v1/centres?near_municipality=trondheim|near_municipality"
    "centres format|$b/v1/centres?format=geojson|format"
    "centre key (path)|$b/v1/centres/kbt*|*"
    "centre key, seed slug (path)|$b/v1/centres/$CENTRE*|*"
    "centre fields|$b/v1/centres/$CENTRE?fields=slug,name|fields"
    "nearest-centres key (path)|$b/v1/municipalities/5001*/nearest-centres|*"
    "news centre|$b/v1/news?centre=$CENTRE|centre"
    "news tag|$b/v1/news?tag=recovery|tag"
    "news date_from|$b/v1/news?date_from=2018|date_from"
    "news date_to|$b/v1/news?date_to=2020-06|date_to"
    "news q|$b/v1/news?q=recovery|q"
    "news sort|$b/v1/news?sort=-date|sort"
    "news fields|$b/v1/news?fields=slug,title|fields"
    "news include|$b/v1/news?include=centre|include"
    "news cursor|$b/v1/news?limit=2&cursor=$news_cursor|cursor"
    "news key (path)|$b/v1/news/$news_key*|*"
    "reports participant_count_from|$b/v1/reports?participant_count_from=10|participant_count_from"
    "reports participant_count_to|$b/v1/reports?participant_count_to=500|participant_count_to"
    "reports kind|$b/v1/reports?kind=final_report|kind"
    "reports network|$b/v1/reports?network=knutepunkt-for-recovery|network"
    "reports municipality|$b/v1/reports?municipality=5001|municipality"
    "reports date_from|$b/v1/reports?date_from=2018|date_from"
    "reports date_to|$b/v1/reports?date_to=2019-23|date_to"
    "POST /v1/news body|$b/v1/news|POST"
    "PATCH /v1/news/{key} body|$b/v1/news/$news_key|PATCH"
)

declare -a selected=()
for spec in "${targets[@]}"; do
    name=${spec%%|*}
    [[ -z $SQLMAP_ONLY || $name =~ $SQLMAP_ONLY ]] || continue
    selected+=("$spec")
done
((${#selected[@]})) || die "SQLMAP_ONLY='$SQLMAP_ONLY' matches no target"

# The bodies: every value marked. The POST creates a valid item as it is (201).
post_body="{\"title\":\"Sqlmap-sjekk*\",\"date\":\"2025-03-14*\",\"summary\":\"Sjekk av skriving*\",\
\"body\":\"Tekst*\",\"tags\":[\"recovery*\"],\"centre\":\"$CENTRE*\",\"owner_centre\":\"$CENTRE*\"}"
patch_body='{"summary":"Oppdatert av sqlmap*","tags":["kurs*"],"date":"2019-23*"}'

# Every URL must answer 200 (or 201/200 for the writes) before sqlmap sees it.
token=$(kp_login) || die "the editor could not log in"
# No seed report has a municipality: one that has, so reports?municipality= finds something.
code=$(curl -s -o "$KP_TMP/probe.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -H 'Prefer: return=minimal' \
    -d "{\"title\":\"Sqlmap-rapport\",\"kind\":\"learning_network_report\",\"date\":\"2025-23\",
\"municipality\":\"5001\",\"participant_count\":42,\"owner_centre\":\"$CENTRE\"}" "$b/v1/reports")
[[ $code == 201 ]] || die "creating a report answered $code: $(<"$KP_TMP/probe.json")"
bad_probe=
for spec in "${selected[@]}"; do
    IFS='|' read -r name url param <<<"$spec"
    case $param in
    POST | PATCH)
        body=$post_body
        [[ $param == POST ]] || body=$patch_body
        code=$(curl -s -o "$KP_TMP/probe.json" -w '%{http_code}' -X "$param" \
            -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            --data-binary "${body//\*/}" "$url")
        [[ $code == 200 || $code == 201 ]] || die "$param $url answered $code: $(<"$KP_TMP/probe.json")"
        ;;
    *)
        code=$(curl -s -o "$KP_TMP/probe.json" -w '%{http_code}' "${url//\*/}")
        if [[ $code != 200 ]]; then
            warn "target '$name': GET ${url//\*/} answered $code: $(head -c 300 "$KP_TMP/probe.json")"
            bad_probe=1
        fi
        ;;
    esac
done
[[ -z $bad_probe ]] || die "fix the targets above: sqlmap needs a page that answers 200"

out=$KP_TMP/sqlmap
mkdir -p -- "$out/home"
common=(--batch --level="$SQLMAP_LEVEL" --risk="$SQLMAP_RISK" --dbms=PostgreSQL --flush-session
    --disable-coloring --timeout="$SQLMAP_TIMEOUT" --retries=1 --threads=4 --skip-waf
    --output-dir="$out/output" --ignore-stdin)

# run_target INDEX SPEC: one sqlmap run, output in $out/INDEX.out.
run_target() {
    local i=$1 name url param
    IFS='|' read -r name url param <<<"$2"
    local -a args=(-u "$url")
    case $param in
    POST | PATCH)
        local body=$post_body
        [[ $param == POST ]] || body=$patch_body
        # a fresh token per write target: one run may outlast the previous one's 15 min
        local tok
        tok=$(kp_login) || {
            echo "could not log in" >"$out/$i.out"
            return 1
        }
        args+=(--method="$param" --data="$body" -H "Authorization: Bearer $tok"
            -H 'Content-Type: application/json')
        ;;
    '*') ;;
    *) args+=(-p "$param") ;;
    esac
    # HOME in the temporary folder: sqlmap keeps its history and defaults under it;
    # TERM=dumb keeps terminal control sequences out of the output. exec: the job's pid
    # is timeout's, so the trap's SIGTERM reaches sqlmap.
    HOME=$out/home TERM=dumb exec timeout -k 10 "$SQLMAP_TARGET_S" \
        sqlmap "${args[@]}" "${common[@]}" "${extra_args[@]}" >"$out/$i.out" 2>&1 </dev/null
}

# verdict FILE: "FINDING: …", "not injectable" or "INCOMPLETE: …". A finding is what
# sqlmap confirms (its "Parameter: …" summary of injection points, "is vulnerable", a
# parameter that "is '…' injectable") and its heuristic seeing a database error message
# ("might be injectable (possible DBMS: …)"). Intermediate suspicions ("appears to be …
# injectable", "appears to have N columns") that its own checks then dismiss ("does not
# seem to be injectable") are listed by report_suspicions, not failed.
verdict() {
    local f=$1 hit
    hit=$(grep -E -m 3 "identified the following injection point|^Parameter: |is vulnerable|parameter '[^']*' is '.*' injectable|might be injectable" \
        -- "$f" | sed 's/^\[[0-9:]*\] //' | tr '\n' ' ') || true
    if [[ -n $hit ]]; then
        printf 'FINDING: %s\n' "$hit"
    elif grep -qE "do not appear to be injectable" -- "$f"; then
        printf 'not injectable\n'
    else
        printf 'INCOMPLETE: %s\n' "$(grep -E -m 1 '\[CRITICAL\]|\[ERROR\]' -- "$f" |
            sed 's/^\[[0-9:]*\] //' || echo 'no verdict from sqlmap')"
    fi
}
report_suspicions() {
    grep -E "appears to be .*injectable|appears to have [0-9]+ columns|false positive" -- "$1" |
        sed 's/^\[[0-9:]*\] \[[A-Z]*\] //' || true
}

version=$(HOME=$out/home TERM=dumb sqlmap --version --ignore-stdin 2>/dev/null | grep -m1 -E '^[0-9]') || true
log "sqlmap ${version:-?}: ${#selected[@]} targets," \
    "--level=$SQLMAP_LEVEL --risk=$SQLMAP_RISK, $SQLMAP_JOBS at a time"
declare -A started=() results=()
next=0 failed=0 done_n=0
while ((next < ${#selected[@]} || ${#running[@]} > 0)); do
    while ((next < ${#selected[@]} && ${#running[@]} < SQLMAP_JOBS)); do
        run_target "$next" "${selected[next]}" &
        running[$!]=$next
        started[$next]=$SECONDS
        next=$((next + 1))
    done
    finished_pid=
    wait -n -p finished_pid "${!running[@]}" || true
    [[ -n $finished_pid ]] || continue
    i=${running[$finished_pid]}
    unset "running[$finished_pid]"
    done_n=$((done_n + 1))
    name=${selected[i]%%|*}
    v=$(verdict "$out/$i.out")
    results[$i]=$v
    [[ $v == "not injectable" ]] || failed=$((failed + 1))
    printf '  [%2d/%d] %-34s %-16s (%d s)\n' "$done_n" "${#selected[@]}" "$name" \
        "${v%%:*}" "$((SECONDS - started[$i]))" >&2
    kill -0 "$KP_SRV_PID" 2>/dev/null || die "the server died during '$name'"
done

# The server's view: any 5xx is a bug, whatever sqlmap made of it.
mapfile -t five < <(grep -E ' 5[0-9][0-9] [0-9]+B [0-9]+us rid=' -- "$KP_TMP/server.log" || true)
read -r n2 n3 n4 n5 <<<"$(awk 'match($0, / [1-5][0-9][0-9] [0-9]+B [0-9]+us rid=/) {
        c[substr($0, RSTART + 1, 1)]++ } END { printf "%d %d %d %d\n", c[2], c[3], c[4], c[5] }' \
    "$KP_TMP/server.log")"

{
    echo
    echo "sqlmap --level=$SQLMAP_LEVEL --risk=$SQLMAP_RISK --dbms=PostgreSQL against knutepunkt" \
        "(server answered 2xx $n2, 3xx $n3, 4xx $n4, 5xx $n5)"
    for ((i = 0; i < ${#selected[@]}; i++)); do
        IFS='|' read -r name url param <<<"${selected[i]}"
        what=${url#"$b"}
        case $param in
        POST | PATCH) what="$param $what (JSON body, every value)" ;;
        '*') what="$what (marker *)" ;;
        *) what="$what (-p $param)" ;;
        esac
        printf '  %-34s %s\n      %s\n' "$name" "${results[$i]:-INCOMPLETE: not run}" "$what"
        mapfile -t sus < <(report_suspicions "$out/$i.out")
        if ((${#sus[@]})) && [[ ${results[$i]:-} == "not injectable" ]]; then
            printf '      (sqlmap suspected, then dismissed: %s)\n' "${sus[*]}"
        fi
    done
    if ((${#five[@]})); then
        echo "  5xx answers in the access log (first 20 of ${#five[@]}):"
        printf '    %s\n' "${five[@]:0:20}"
    fi
} >&2

for ((i = 0; i < ${#selected[@]}; i++)); do
    if [[ ${results[$i]:-} != "not injectable" ]]; then
        warn "sqlmap output of '${selected[i]%%|*}' (last 30 lines):"
        tail -n 30 -- "$out/$i.out" >&2
    fi
done
((failed == 0)) || die "$failed of ${#selected[@]} targets did not end 'not injectable'"
((n5 == 0)) || die "the server answered $n5 requests with 5xx"
