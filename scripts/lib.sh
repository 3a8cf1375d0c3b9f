# shellcheck shell=bash
# Shared helpers for the "front door" scripts (make run / make test / make build).
# Source this file; it defines functions and KP_ROOT but changes no shell options,
# so the calling script stays in charge of `set -euo pipefail`.

# Sourcing twice (pg.sh sources us, and so may the caller) must be harmless.
if [[ -n ${KP_LIB_LOADED:-} ]]; then
    return 0
fi
KP_LIB_LOADED=1

# Absolute, symlink-free project root, so paths we hand to the server, to the
# tests and to the postgres user never depend on the caller's working directory.
KP_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)

# Messages go to stderr so that stdout stays the server's / ctest's own output.
log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Every Debian 12 package the project needs, in ONE list that both `make run` and
# `make test` install, so a fresh machine never depends on something installed by hand.
# libcurl4-gnutls-dev, not libcurl4-openssl-dev: libulfius-dev depends on the gnutls
# flavour and the two conflict. ca-certificates is listed because we install without
# recommends and npm needs it to reach its registry over TLS.
KP_PACKAGES=(
    build-essential cmake pkg-config
    libulfius-dev libmicrohttpd-dev libjansson-dev libjwt-dev libpq-dev libargon2-dev
    libcurl4-gnutls-dev check valgrind
    postgresql-15 postgresql-15-postgis-3 postgresql-15-rum hunspell-no
    curl ca-certificates nodejs npm
)

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -- "$@"
    else
        warn "need root (or sudo) for: $*"
        return 1
    fi
}

# ensure_deps [EXTRA_PACKAGE...]
# Install whatever is missing, then the Norwegian text-search dictionaries.
# apt-get update only runs when something is missing, so a warm run costs one
# dpkg-query call (a few milliseconds) and needs no network or root.
ensure_deps() {
    local -a want=() missing=()
    local p installed
    if [[ -n ${KP_SKIP_DEPS:-} ]]; then
        log "KP_SKIP_DEPS is set: not checking Debian packages"
    elif ! command -v dpkg-query >/dev/null 2>&1; then
        warn "dpkg-query not found (not Debian?): install these yourself: ${KP_PACKAGES[*]} $*"
    else
        for p in "${KP_PACKAGES[@]}" "$@"; do
            # Node may come from elsewhere (nvm, NodeSource); a Debian nodejs/npm on top
            # of that would only shadow or conflict with it.
            if [[ $p == nodejs || $p == npm ]] &&
                command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
                continue
            fi
            want+=("$p")
        done
        # One query for all packages; unknown packages make dpkg-query exit 1, hence `|| true`.
        installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${want[@]}" 2>/dev/null |
            awk '$2 == "install" && $4 == "installed" { print $1 }') || true
        for p in "${want[@]}"; do
            grep -qxF -- "$p" <<<"$installed" || missing+=("$p")
        done
        if ((${#missing[@]})); then
            log "installing Debian packages: ${missing[*]}"
            as_root apt-get update -q || die "apt-get update failed"
            as_root env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -q --no-install-recommends "${missing[@]}" ||
                die "apt-get install failed"
        fi
    fi
    ensure_tsearch_dicts
}

# The PostgreSQL 15 *server's* share directory. `pg_config` comes from libpq-dev and
# may describe another version than the server, so prefer the server's own path.
pg_sharedir() {
    if [[ -d /usr/share/postgresql/15 ]]; then
        printf '%s\n' /usr/share/postgresql/15
    else
        pg_config --sharedir
    fi
}

# Install nb_no/nn_no ispell dictionaries for PostgreSQL from hunspell-no.
# Debian ships them in ISO-8859-1; PostgreSQL wants UTF-8 files in tsearch_data.
# (postgresql-common's pg_updatedicts usually does this already via a dpkg trigger,
# in which case the files exist and we do nothing.) Failure is only a warning: the
# database then falls back to the plain `norwegian` snowball stemmer.
ensure_tsearch_dicts() {
    local ts lang src dst tmp ok
    ts=$(pg_sharedir 2>/dev/null)/tsearch_data
    if [[ ! -d $ts ]]; then
        warn "no $ts: Norwegian ispell dictionaries not installed (falling back to 'norwegian')"
        return 0
    fi
    for lang in nb nn; do
        src=/usr/share/hunspell/${lang}_NO
        dst=$ts/${lang}_no
        # -s follows symlinks, so a dangling pg_updatedicts link counts as missing.
        if [[ -s $dst.dict && -s $dst.affix ]]; then
            continue
        fi
        if [[ ! -r $src.dic || ! -r $src.aff ]]; then
            warn "$src.dic/.aff missing (package hunspell-no): falling back to 'norwegian'"
            continue
        fi
        log "installing PostgreSQL dictionary $dst.{dict,affix} from $src"
        tmp=$(mktemp -d)
        ok=1
        iconv -f ISO-8859-1 -t UTF-8 "$src.dic" >"$tmp/dict" || ok=
        # The affix file names its own charset; after conversion it must say UTF-8.
        iconv -f ISO-8859-1 -t UTF-8 "$src.aff" | sed 's/^SET ISO8859-1\r\{0,1\}$/SET UTF-8/' \
            >"$tmp/affix" || ok=
        if [[ -n $ok ]] &&
            as_root rm -f -- "$dst.dict" "$dst.affix" &&
            as_root install -m 0644 -- "$tmp/dict" "$dst.dict" &&
            as_root install -m 0644 -- "$tmp/affix" "$dst.affix"; then
            :
        else
            warn "could not install $dst.{dict,affix}: falling back to 'norwegian'"
        fi
        rm -rf -- "$tmp"
    done
}

# The JWT signing secret for `make run`: 48 random bytes, base64, created once, 0600.
ensure_jwt_secret() {
    local f=$1
    if [[ ! -s $f ]]; then
        log "generating JWT secret in $f"
        # umask first, so the secret is never readable by others, not even briefly.
        (
            umask 077
            head -c 48 /dev/urandom | base64 -w0 >"$f.tmp"
            echo >>"$f.tmp"
            mv -f -- "$f.tmp" "$f"
        )
    fi
    chmod 0600 -- "$f"
}

# configure + build one CMake tree: build_tree DIR BUILD_TYPE
build_tree() {
    local dir=$1 type=$2
    log "building $type in ${dir#"$KP_ROOT"/}"
    cmake -S "$KP_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" &&
        cmake --build "$dir" --parallel "$(nproc)"
}

# The release binary that `make run` starts: build/knutepunkt.
build_release() {
    build_tree "$KP_ROOT/build" Release
}
