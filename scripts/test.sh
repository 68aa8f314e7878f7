#!/usr/bin/env bash
# make test: dev bootstrap, private services in .var/test, pytest, services stopped afterwards.
#   scripts/test.sh [PYTEST ARGS...]   (default: -q -ra -n 2 --dist loadfile, as make test)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CZ_ROOT"

VAR_DIR="${CADENZA_TEST_VAR_DIR:-.var/test}"
(($#)) || set -- -q -ra -n 2 --dist loadfile

BOOTSTRAP_DEV=1 bash scripts/bootstrap.sh

if [[ ${CI:-} == true ]]; then
    echo "== tool versions"
    "$CZ_VENV/bin/python" --version
    ffmpeg -hide_banner -version | head -n 1
    ffprobe -hide_banner -version | head -n 1
    "$(cz_pg_bindir)/postgres" --version
    redis-server --version
fi

stop_services() { bash scripts/services.sh stop "$VAR_DIR" || cz_say "warning: could not stop the services in $VAR_DIR"; }
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Throwaway data: no fsync.
CADENZA_PG_FAST=1 bash scripts/services.sh start "$VAR_DIR"
cz_load_services_env "$VAR_DIR"

rc=0
# A crash in a C extension (even at interpreter exit) prints the Python stacks of every thread.
PYTHONFAULTHANDLER=1 "$CZ_VENV/bin/pytest" "$@" || rc=$?
if ((rc == 5)); then
    cz_say ""
    cz_say "************************************************************"
    cz_say "FAILED: pytest collected NO tests (exit code 5)."
    cz_say "  args: $*"
    cz_say "  A test run that runs nothing is a failure: check tests/ and the pytest args."
    cz_say "************************************************************"
    exit 1
fi
exit "$rc"
