#!/usr/bin/env bash
# `make build`: the release build only (build/knutepunkt); installs nothing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
build_release
