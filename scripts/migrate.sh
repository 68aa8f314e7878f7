#!/usr/bin/env bash
# make migrate: alembic upgrade head on the dev services (.var). Services that this
# script had to start are stopped again; services already running are left running.
#   scripts/migrate.sh [ALEMBIC ARGS...]   (default: upgrade head)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CZ_ROOT"

VAR_DIR=.var
(($#)) || set -- upgrade head
bash scripts/bootstrap.sh

started=1
if bash scripts/services.sh status "$VAR_DIR" >/dev/null 2>&1; then started=0; fi
stop_services() { ((started)) && bash scripts/services.sh stop "$VAR_DIR"; return 0; }
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash scripts/services.sh start "$VAR_DIR"
cz_load_services_env "$VAR_DIR"
"$CZ_VENV/bin/alembic" "$@"
