#!/usr/bin/env bash
# make bench: dev bootstrap, private services in .var/bench, python -m bench, services stopped afterwards.
#   scripts/bench.sh [ARGS for python -m bench...]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CZ_ROOT"

VAR_DIR=.var/bench
BOOTSTRAP_DEV=1 bash scripts/bootstrap.sh
# The read benchmark's load generator (Debian's wrk); installed only as root, else it must be there.
if ! command -v wrk >/dev/null && [[ $(id -u) == 0 ]]; then
    apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi

stop_services() { bash scripts/services.sh stop "$VAR_DIR" || cz_say "warning: could not stop the services in $VAR_DIR"; }
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash scripts/services.sh start "$VAR_DIR"
cz_load_services_env "$VAR_DIR"
export STORAGE_URL="${STORAGE_URL:-file://$VAR_DIR/objects}"

rc=0
"$CZ_VENV/bin/python" -m bench "$@" || rc=$?
exit "$rc"
