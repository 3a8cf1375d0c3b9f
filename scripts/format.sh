#!/usr/bin/env bash
# `make format`: clang-format (style in .clang-format) on our C sources, in place.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$KP_ROOT"
command -v clang-format >/dev/null 2>&1 || die "clang-format is not installed (Debian: clang-format)"
# api/, tests/ and top-level *.c/*.h; generated output under tests/bench/out is skipped.
mapfile -d '' files < <(
    find api tests -path tests/bench/out -prune -o -type f \( -name '*.c' -o -name '*.h' \) \
        -print0 2>/dev/null
    find . -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) -print0
)
if ((${#files[@]} == 0)); then
    log "no C files to format"
    exit 0
fi
clang-format -i -- "${files[@]}"
log "formatted ${#files[@]} files"
