# Shared helpers for the scripts in this directory. Source it; do not run it.
# shellcheck shell=bash

# Repository root (this file lives in <root>/scripts).
CZ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
CZ_VENV="${CZ_VENV:-$CZ_ROOT/.venv}"

cz_say() { printf '%s\n' "$*" >&2; }
cz_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

cz_is_root() { [[ $(id -u) -eq 0 ]]; }

# Directory holding pg_ctl/initdb/postgres/psql, or nothing (exit 1).
# Order: $PG_BINDIR, pg_config --bindir, newest /usr/lib/postgresql/*/bin, PATH.
cz_pg_bindir() {
    local d
    if [[ -n ${PG_BINDIR:-} ]]; then
        [[ -x $PG_BINDIR/pg_ctl ]] && { printf '%s\n' "$PG_BINDIR"; return 0; }
        return 1
    fi
    if command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir 2>/dev/null || true)"
        if [[ -n $d && -x $d/pg_ctl && -x $d/initdb ]]; then printf '%s\n' "$d"; return 0; fi
    fi
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n $d && -x $d/pg_ctl && -x $d/initdb ]]; then printf '%s\n' "$d"; return 0; fi
    if command -v pg_ctl >/dev/null 2>&1; then
        d="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
        if [[ -x $d/initdb ]]; then printf '%s\n' "$d"; return 0; fi
    fi
    return 1
}

# True when nothing listens on 127.0.0.1:$1 (we can bind it).
cz_port_free() {
    python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket()
# Like postgres and redis do: ignore TIME_WAIT leftovers, still fail on a live listener.
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

# Print a currently free TCP port on 127.0.0.1 (the kernel picks it).
cz_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Export the variables of VAR_DIR/services.env into this shell.
cz_load_services_env() {
    local f="$1/services.env"
    [[ -r $f ]] || cz_die "$f is missing: did 'scripts/services.sh start $1' fail?"
    set -a
    # shellcheck disable=SC1090
    . "$f"
    set +a
}

# Print the development SECRET_KEY kept in $1/secret_key, generating a random one (mode 600) the
# first time. Settings refuse to start without a SECRET_KEY, and the old committed default too.
cz_dev_secret_key() {
    local dir="$1"
    if [[ ! -s $dir/secret_key ]]; then
        mkdir -p "$dir"
        (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(48))' >"$dir/secret_key.tmp")
        mv "$dir/secret_key.tmp" "$dir/secret_key"
        cz_say "generated a random SECRET_KEY in $dir/secret_key"
    fi
    cat "$dir/secret_key"
}
