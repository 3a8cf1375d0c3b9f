#!/usr/bin/env bash
# `make fuzz`: coverage-guided fuzzing of the parsers and validators with libFuzzer.
# Builds build-fuzz (clang, ASan+UBSan, -DKP_FUZZ=ON), then runs each target for FUZZ_SECONDS
# (default 60) on a copy of its seed corpus tests/fuzz/corpus/<target>, so new findings stay
# in build-fuzz unless FUZZ_MERGE=1, which merges the inputs that add coverage back into
# tests/fuzz/corpus/<target>. Crashing inputs are kept in build-fuzz/fuzz-out/<target>/.
# Arguments: target names to run (default: all), e.g. `make fuzz ARGS='query body'`.
# Exits non-zero when any target crashed (or leaked, timed out, ran out of memory).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$KP_ROOT"

ALL_TARGETS=(query cursor body jwt partial_date url_decode)
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_MERGE=${FUZZ_MERGE:-0}
[[ $FUZZ_SECONDS =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a positive integer"

targets=("$@")
((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
    [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || die "unknown fuzz target '$t' (have: ${ALL_TARGETS[*]})"
done

# clang and its sanitizer/libFuzzer runtimes (Debian 12: libclang-rt-14-dev).
ensure_deps clang libclang-rt-14-dev
command -v clang >/dev/null 2>&1 || die "clang is not installed"

build=$KP_ROOT/build-fuzz
log "building the fuzz targets in ${build#"$KP_ROOT"/}"
mkdir -p -- "$build"
cmake -S "$KP_ROOT" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Asan -DKP_FUZZ=ON \
    >"$build/configure.log" 2>&1 || {
    cat "$build/configure.log" >&2
    die "configuring build-fuzz failed (a tree configured with another compiler? rm -rf build-fuzz)"
}
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}" ||
    die "building the fuzz targets failed"

export ASAN_OPTIONS=detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}

crashed=()
summary=()
for t in "${targets[@]}"; do
    bin=$build/tests/fuzz/fuzz_$t
    seeds=$KP_ROOT/tests/fuzz/corpus/$t
    out=$build/fuzz-out/$t
    rm -rf -- "$out"
    mkdir -p -- "$out/corpus" "$out/artifacts"
    # The copy is what libFuzzer adds to; the repository's corpus is only read.
    if [[ -d $seeds ]]; then
        cp -R -- "$seeds/." "$out/corpus/"
    fi
    dict=()
    if [[ -f $KP_ROOT/tests/fuzz/dict/$t.dict ]]; then
        dict=(-dict="$KP_ROOT/tests/fuzz/dict/$t.dict")
    fi
    log "fuzzing $t for ${FUZZ_SECONDS}s"
    rc=0
    "$bin" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/" "${dict[@]}" "$out/corpus" >"$out/fuzz.log" 2>&1 ||
        rc=$?
    # libFuzzer's final stats, and cov:/ft: from its last status line (none if it crashed
    # while loading the seeds).
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log" | tail -n1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/fuzz.log" | tail -n1)
    cov=$(sed -n 's/^#[0-9].* cov: \([0-9]*\).*/\1/p' "$out/fuzz.log" | tail -n1)
    ft=$(sed -n 's/^#[0-9].* ft: \([0-9]*\).*/\1/p' "$out/fuzz.log" | tail -n1)
    corpus_n=$(find "$out/corpus" -type f | wc -l)
    mapfile -t found < <(find "$out/artifacts" -type f \
        \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \
        -o -name 'slow-unit-*' \) | sort)
    result=ok
    if ((rc != 0)) || ((${#found[@]})); then
        result="CRASH (exit $rc)"
        crashed+=("$t")
        warn "$t: libFuzzer exited $rc; log: ${out#"$KP_ROOT"/}/fuzz.log"
        grep -a -m1 -A12 -E '^==[0-9]+==ERROR|invariant failed|runtime error' "$out/fuzz.log" >&2 || true
        for f in "${found[@]}"; do
            warn "$t: reproducer ${f#"$KP_ROOT"/} (replay: $bin $f)"
        done
    fi
    summary+=("$(printf '%-13s %12s %10s %7s %7s %8s  %s' "$t" "${execs:-?}" "${speed:-?}" \
        "${cov:-?}" "${ft:-?}" "$corpus_n" "$result")")

    if [[ $FUZZ_MERGE == 1 ]]; then
        before=$(find "$seeds" -type f 2>/dev/null | wc -l)
        mkdir -p -- "$seeds"
        "$bin" -merge=1 -rss_limit_mb=2048 -timeout=25 "$seeds" "$out/corpus" \
            >"$out/merge.log" 2>&1 || warn "$t: merge failed; see ${out#"$KP_ROOT"/}/merge.log"
        after=$(find "$seeds" -type f | wc -l)
        log "$t: merged $((after - before)) new input(s) into tests/fuzz/corpus/$t"
    fi
done

printf '\n%-13s %12s %10s %7s %7s %8s  %s\n' target executions exec/s cov ft corpus result
printf '%s\n' "${summary[@]}"
if ((${#crashed[@]})); then
    printf '\nfuzz: %d of %d target(s) crashed: %s\n' "${#crashed[@]}" "${#targets[@]}" "${crashed[*]}"
    exit 1
fi
printf '\nfuzz: %d target(s) ran %ss each without a crash\n' "${#targets[@]}" "$FUZZ_SECONDS"
