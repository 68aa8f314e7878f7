#!/usr/bin/env bash
# make lock: regenerate requirements.lock and requirements-dev.lock (with hashes) from the .in files.
# Existing pins are kept unless UPGRADE=1. Uses uv from PATH, else installs it into a temp venv.
#   LOCK_OUT_DIR=dir   write the locks there instead of the repository root (for a dry run)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CZ_ROOT"

UV_VERSION="${UV_VERSION:-0.13.8}"
OUT="${LOCK_OUT_DIR:-.}"
mkdir -p "$OUT"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/cadenza-lock.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

UV="$(command -v uv || true)"
if [[ -z $UV ]]; then
    python3 -m venv "$TMP/uv-venv" >"$TMP/log" 2>&1 &&
        "$TMP/uv-venv/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" >>"$TMP/log" 2>&1 ||
        { tail -n 30 "$TMP/log" >&2; cz_die "could not install uv==$UV_VERSION into a temporary venv"; }
    UV="$TMP/uv-venv/bin/uv"
fi

args=(--generate-hashes --python-version 3.11 --no-header --no-annotate --quiet)
[[ ${UPGRADE:-0} == 1 ]] && args+=(--upgrade)

compile() {  # compile IN OUT
    # Start from the current lock so that unchanged pins stay put.
    if [[ $OUT != . && ! -e $2 && -r $(basename "$2") ]]; then cp "$(basename "$2")" "$2"; fi
    "$UV" pip compile "${args[@]}" "$1" -o "$2" || cz_die "uv pip compile $1 failed"
}
# Runtime first: requirements-dev.in constrains itself with requirements.lock.
compile requirements.in "$OUT/requirements.lock"
compile requirements-dev.in "$OUT/requirements-dev.lock"
echo "lock: wrote $OUT/requirements.lock and $OUT/requirements-dev.lock (uv $("$UV" --version | cut -d' ' -f2))"
