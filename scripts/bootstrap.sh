#!/usr/bin/env bash
# Make this machine able to run Cadenza: system packages, then .venv from the lock files.
# Idempotent and quiet when there is nothing to do.
#   BOOTSTRAP_DEV=1   also install requirements-dev.lock (test dependencies)
#   PYTHON=python3.11 interpreter used to create .venv (default: python3, else python3.11)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CZ_ROOT"

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cadenza-bootstrap.XXXXXX")"
trap 'rm -rf "$LOG_DIR"' EXIT

show_log() {  # show_log FILE TITLE
    cz_say "---- $2 (last 40 lines) ----"
    tail -n 40 "$1" >&2 || true
    cz_say "----"
}

# ---------------------------------------------------------------- system packages
pick_python() {
    local c
    for c in ${PYTHON:-} python3 python3.11; do
        if command -v "$c" >/dev/null 2>&1 &&
            "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            printf '%s\n' "$c"; return 0
        fi
    done
    return 1
}

missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
cz_pg_bindir >/dev/null || missing+=(postgresql)
# Tests only: the /ops dashboard's browser test drives Debian's Chromium through Playwright
# (Playwright's own browser downloads are never used).
if [[ ${BOOTSTRAP_DEV:-0} == 1 && ! -x /usr/bin/chromium ]]; then
    missing+=(chromium)
fi
if ! pick_python >/dev/null; then
    missing+=(python3)
fi
PY="$(pick_python || true)"
if [[ ! -x $CZ_VENV/bin/python && -n $PY ]] && ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi

if ((${#missing[@]})); then
    if ! cz_is_root; then
        cz_die "missing system packages: ${missing[*]}
  install them first, e.g.:  sudo apt-get update && sudo apt-get install -y ${missing[*]}
  (Cadenza needs ffmpeg/ffprobe, redis-server/redis-cli, PostgreSQL server binaries and Python 3.11 with venv;
  its tests also need chromium)"
    fi
    command -v apt-get >/dev/null 2>&1 ||
        cz_die "missing system packages (${missing[*]}) and apt-get is not available: install them with your package manager"
    cz_say "bootstrap: installing system packages with apt-get: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get update -qq >"$LOG_DIR/apt.log" 2>&1; then
        show_log "$LOG_DIR/apt.log" "apt-get update"; cz_die "apt-get update failed"
    fi
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1; then
        show_log "$LOG_DIR/apt.log" "apt-get install"; cz_die "apt-get install ${missing[*]} failed"
    fi
    command -v ffmpeg >/dev/null 2>&1 || cz_die "ffmpeg still missing after apt-get install"
    command -v redis-server >/dev/null 2>&1 || cz_die "redis-server still missing after apt-get install"
    cz_pg_bindir >/dev/null || cz_die "PostgreSQL binaries (pg_ctl, initdb) still not found after apt-get install"
    [[ ${BOOTSTRAP_DEV:-0} != 1 || -x /usr/bin/chromium ]] || cz_die "chromium still missing after apt-get install"
    PY="$(pick_python)" || cz_die "no Python 3.11 interpreter (tried: ${PYTHON:-} python3 python3.11)"
fi
[[ -n $PY ]] || cz_die "no Python 3.11 interpreter found (tried: ${PYTHON:-} python3 python3.11); set PYTHON=/path/to/python3.11"

# ---------------------------------------------------------------- virtualenv
if [[ -x $CZ_VENV/bin/python ]] &&
    ! "$CZ_VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    cz_say "bootstrap: $CZ_VENV is broken or not Python 3.11: recreating it"
    rm -rf "$CZ_VENV"
fi
if [[ ! -x $CZ_VENV/bin/python ]]; then
    if ! "$PY" -m venv "$CZ_VENV" >"$LOG_DIR/venv.log" 2>&1; then
        show_log "$LOG_DIR/venv.log" "$PY -m venv"
        rm -rf "$CZ_VENV"
        cz_die "could not create $CZ_VENV with $PY (on Debian: apt-get install python3-venv)"
    fi
fi

# ---------------------------------------------------------------- Python packages
locks=(requirements.lock)
[[ ${BOOTSTRAP_DEV:-0} == 1 ]] && locks+=(requirements-dev.lock)
for f in "${locks[@]}"; do [[ -r $f ]] || cz_die "$f is missing"; done

stamp="$CZ_VENV/.cadenza-locks.sha256"
wanted="$(sha256sum "${locks[@]}")"
have="$(cat "$stamp" 2>/dev/null || true)"
need_install=0
while IFS= read -r line; do
    grep -qxF -- "$line" <<<"$have" || need_install=1
done <<<"$wanted"

if ((need_install)); then
    pip_args=()
    for f in "${locks[@]}"; do pip_args+=(-r "$f"); done
    if ! "$CZ_VENV/bin/python" -m pip install -q --disable-pip-version-check \
        --require-hashes --no-deps "${pip_args[@]}" >"$LOG_DIR/pip.log" 2>&1; then
        show_log "$LOG_DIR/pip.log" "pip install"
        cz_die "pip install --require-hashes --no-deps ${pip_args[*]} failed"
    fi
    # Record exactly the lock files installed now: a runtime-only install drops the
    # dev line, so the next BOOTSTRAP_DEV=1 run installs the dev lock again.
    printf '%s\n' "$wanted" >"$stamp"
fi
