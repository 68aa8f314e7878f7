#!/usr/bin/env bash
# make run: runtime bootstrap, dev services in .var, migrations, then every Procfile process
# under honcho. Ctrl-C (SIGINT) or SIGTERM stops honcho's processes and the PostgreSQL and
# Redis that this script started (services already running before are left running).
#   PORT        web port (default 8000; a free port is picked when 8000 is taken)
#   PROCFILE    Procfile to run (default: Procfile)
#   PUBLIC_BASE_URL, STORAGE_URL   defaults: http://127.0.0.1:$PORT, file://.var/objects
#   WEB_CONCURRENCY  web processes behind the one port (uvicorn --workers; default 1)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CZ_ROOT"

VAR_DIR=.var
PROCFILE="${PROCFILE:-Procfile}"
[[ -r $PROCFILE ]] || cz_die "$PROCFILE not found"

bash scripts/bootstrap.sh

started=1
if bash scripts/services.sh status "$VAR_DIR" >/dev/null 2>&1; then started=0; fi

HONCHO_PID=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [[ -n $HONCHO_PID ]] && kill -0 "$HONCHO_PID" 2>/dev/null; then
        kill -TERM "$HONCHO_PID" 2>/dev/null || true
        wait "$HONCHO_PID" 2>/dev/null || true
    fi
    if ((started)); then
        cz_say "run: stopping PostgreSQL and Redis ($VAR_DIR)"
        bash scripts/services.sh stop "$VAR_DIR" || cz_say "warning: could not stop the services in $VAR_DIR"
    else
        cz_say "run: PostgreSQL and Redis were already running before 'make run': left running (make services-stop)"
    fi
    exit "$rc"
}
GOT_SIGNAL=""
on_signal() {
    GOT_SIGNAL="$1"
    # Forward to honcho (which stops its processes); the wait loop below then exits.
    if [[ -n $HONCHO_PID ]]; then kill -TERM "$HONCHO_PID" 2>/dev/null || true; else exit $((128 + $2)); fi
}
trap cleanup EXIT
trap 'on_signal INT 2' INT
trap 'on_signal TERM 15' TERM
trap 'on_signal HUP 1' HUP

bash scripts/services.sh start "$VAR_DIR"
cz_load_services_env "$VAR_DIR"

if [[ -n ${PORT:-} ]]; then
    cz_port_free "$PORT" || cz_die "PORT=$PORT is already in use on 127.0.0.1"
else
    PORT=8000
    if ! cz_port_free "$PORT"; then
        PORT="$(cz_free_port)"
        cz_say "run: port 8000 is busy; using $PORT"
    fi
fi
export PORT
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}"
export STORAGE_URL="${STORAGE_URL:-file://.var/objects}"
# honcho kills what is still running 5 s after Ctrl-C: hand running steps back before that.
export WORKER_SHUTDOWN_GRACE_SECONDS="${WORKER_SHUTDOWN_GRACE_SECONDS:-3}"
mkdir -p .var/objects
# SECRET_KEY has no default anywhere: a random one is made once and kept, so sessions and signed
# media URLs survive a restart. An exported SECRET_KEY wins.
if [[ -z ${SECRET_KEY:-} ]]; then
    SECRET_KEY="$(cz_dev_secret_key "$VAR_DIR")"
    export SECRET_KEY
fi

"$CZ_VENV/bin/alembic" upgrade head

echo
echo "Cadenza is running: open http://127.0.0.1:$PORT  (Ctrl-C stops everything)"
echo "API docs: http://127.0.0.1:$PORT/schema/swagger"
echo "web processes: ${WEB_CONCURRENCY:-1} (WEB_CONCURRENCY=N make run for more)"
echo

# honcho in the background so that this shell can act on signals while it runs;
# honcho gives PORT to the first Procfile line (web). It runs in a session of its own so that
# Ctrl-C reaches only this script: each process then gets exactly one SIGTERM (from honcho).
# A second signal makes Dramatiq kill its workers instead of letting them stop cleanly.
setsid "$CZ_VENV/bin/honcho" start -f "$PROCFILE" &
HONCHO_PID=$!
rc=0
while :; do
    wait "$HONCHO_PID" && rc=0 || rc=$?
    kill -0 "$HONCHO_PID" 2>/dev/null || break   # else: wait was cut short by a trapped signal
done
HONCHO_PID=""
case "$GOT_SIGNAL" in
INT) rc=130 ;;
TERM) rc=143 ;;
HUP) rc=129 ;;
esac
exit "$rc"
