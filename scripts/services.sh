#!/usr/bin/env bash
# Private PostgreSQL + Redis for development and tests, all state under VAR_DIR.
#
#   scripts/services.sh start  VAR_DIR   start (or reuse) both, write VAR_DIR/services.env
#   scripts/services.sh stop   VAR_DIR   stop both, keep the data
#   scripts/services.sh status VAR_DIR   print what runs (exit 0 only when both run)
#   scripts/services.sh env    VAR_DIR   print VAR_DIR/services.env
#
# A relative VAR_DIR is taken from the repository root, whatever the caller's cwd.
# Layout: VAR_DIR/pg/{data,sock,log,port}  VAR_DIR/redis/{redis.pid,log,port}  VAR_DIR/services.env
# Env knobs: CADENZA_PG_FAST=1 (fsync off etc., for throwaway test data), PG_BINDIR=/path.
# As root, PostgreSQL runs as the 'postgres' system user (it refuses to run as root).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CZ_ROOT"

usage() { cz_say "usage: scripts/services.sh start|stop|status|env VAR_DIR"; exit 2; }
[[ $# -eq 2 ]] || usage
CMD="$1"
case "$CMD" in start | stop | status | env) ;; *) usage ;; esac
[[ -n $2 ]] || usage
# Libpq settings of the caller must not redirect our admin connections.
unset PGSERVICE PGSERVICEFILE PGOPTIONS PGSSLMODE PGHOSTADDR PGPASSFILE PGREQUIRESSL || true

if [[ $CMD == start ]]; then mkdir -p "$2"; fi
if [[ -d $2 ]]; then
    VAR="$(cd "$2" && pwd -P)"
else
    VAR="$(pwd -P)/${2#./}"   # does not exist: nothing can be running there
fi
PGDIR="$VAR/pg"
DATA="$PGDIR/data"
SOCK="$PGDIR/sock"
RDIR="$VAR/redis"
RPID="$RDIR/redis.pid"
ENVFILE="$VAR/services.env"
PG_USER_SYS=postgres   # the system account PostgreSQL runs as when we are root

# True when process $1 exists and is not a zombie.
cz_alive() {
    local st
    kill -0 "$1" 2>/dev/null || return 1
    st="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null || true)"
    [[ $st != Z && $st != X ]]
}

# Run a PostgreSQL server binary as the right user, from / (the caller's cwd may be unreadable to it).
as_pg() {
    if cz_is_root; then
        (cd / && exec runuser -u "$PG_USER_SYS" -- "$@" 9>&-)
    else
        (cd / && exec "$@" 9>&-)
    fi
}

# ---------------------------------------------------------------- PostgreSQL
PG_PID="" PG_PORT=""
pg_running() {  # sets PG_PID, PG_PORT
    PG_PID="" PG_PORT=""
    [[ -r $DATA/postmaster.pid ]] || return 1
    local pid port cwd
    pid="$(sed -n 1p "$DATA/postmaster.pid" 2>/dev/null || true)"
    port="$(sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true)"
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    cz_alive "$pid" || return 1
    # The postmaster chdirs into its data directory: a recycled pid will not match.
    cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"
    if [[ -n $cwd ]]; then
        [[ $cwd == "$DATA" ]] || return 1
    else
        [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres* ]] || return 1
    fi
    PG_PID="$pid" PG_PORT="$port"
}

pg_clear_stale() {
    local p cwd killed=0
    if [[ -e $DATA/postmaster.pid ]]; then
        rm -f "$DATA/postmaster.pid"
        cz_say "services: removed stale $DATA/postmaster.pid (previous PostgreSQL did not shut down cleanly)"
    fi
    # Orphaned backends of a killed postmaster keep the old shared memory busy.
    for p in /proc/[0-9]*; do
        cwd="$(readlink "$p/cwd" 2>/dev/null || true)"
        if [[ $cwd == "$DATA" ]]; then kill -KILL "${p#/proc/}" 2>/dev/null && killed=1; fi
    done
    ((killed)) && { cz_say "services: killed orphaned PostgreSQL backends of $DATA"; sleep 1; }
    rm -f "$SOCK"/.s.PGSQL.* 2>/dev/null || true
}

# Make sure the postgres system user can reach $PGDIR: chmod o+x only the parents that need it.
pg_fix_traversal() {
    local d path="" parts
    IFS=/ read -r -a parts <<<"${PGDIR#/}"
    for d in "${parts[@]}"; do
        path="$path/$d"
        [[ -d $path ]] || break
        if ! runuser -u "$PG_USER_SYS" -- test -x "$path" 2>/dev/null; then
            chmod o+x "$path"
            cz_say "services: chmod o+x $path (so the '$PG_USER_SYS' user can reach $PGDIR)"
        fi
    done
}

pg_prepare_dirs() {
    mkdir -p "$PGDIR"
    if cz_is_root; then
        if ! id -u "$PG_USER_SYS" >/dev/null 2>&1; then
            useradd --system --user-group --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin "$PG_USER_SYS"
            cz_say "services: created system user '$PG_USER_SYS' to run PostgreSQL"
        fi
        pg_fix_traversal
        chown "$PG_USER_SYS:" "$PGDIR"
        [[ -e $DATA ]] && chown -R "$PG_USER_SYS:" "$DATA"
        [[ -e $PGDIR/log ]] && chown "$PG_USER_SYS:" "$PGDIR/log"
        [[ -e $SOCK ]] && chown "$PG_USER_SYS:" "$SOCK"
    elif [[ -e $DATA && ! -O $DATA ]]; then
        cz_die "$DATA belongs to another user ($(stat -c %U "$DATA")); run as that user or remove $PGDIR"
    fi
    as_pg mkdir -p "$SOCK"
    as_pg chmod 700 "$SOCK"
}

pg_initdb() {
    local locale=C
    locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' && locale=C.UTF-8
    rm -rf "$DATA"   # leftovers of an interrupted initdb
    if ! as_pg "$BINDIR/initdb" -D "$DATA" -U postgres -E UTF8 --locale="$locale" \
        --auth=trust >"$PGDIR/initdb.log" 2>&1; then
        cz_say "---- $PGDIR/initdb.log ----"; tail -n 30 "$PGDIR/initdb.log" >&2
        cz_die "initdb failed"
    fi
    # Trust, but only on the private socket and on 127.0.0.1.
    as_pg tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# Cadenza dev/test cluster: no passwords, loopback only.
local   all   all                 trust
host    all   all   127.0.0.1/32  trust
EOF
}

pg_start() {
    local port opts sockopt
    if [[ ! -s $DATA/PG_VERSION ]]; then pg_initdb; fi
    local have want
    have="$(cat "$DATA/PG_VERSION")"
    want="$("$BINDIR/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')"
    [[ $have == "$want" ]] ||
        cz_die "$DATA was made by PostgreSQL $have but $BINDIR is PostgreSQL $want: remove $PGDIR to start afresh"

    if pg_running; then return 0; fi
    pg_clear_stale

    port="$(cat "$PGDIR/port" 2>/dev/null || true)"
    if ! [[ $port =~ ^[0-9]+$ ]] || ! cz_port_free "$port"; then port="$(cz_free_port)"; fi
    printf '%s\n' "$port" >"$PGDIR/port"

    # Unix socket paths are limited to ~107 bytes; past that, TCP only.
    if ((${#SOCK} + 20 < 107)); then sockopt="-k '$SOCK'"; else sockopt="-k ''"; fi
    opts="-p $port $sockopt -c listen_addresses=127.0.0.1 -c max_connections=200"
    if [[ ${CADENZA_PG_FAST:-0} == 1 ]]; then
        opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    if ! as_pg "$BINDIR/pg_ctl" start -w -t 60 -D "$DATA" -o "$opts" -l "$PGDIR/log" >/dev/null 2>&1; then
        cz_say "---- $PGDIR/log (last 30 lines) ----"; tail -n 30 "$PGDIR/log" >&2 || true
        cz_die "PostgreSQL did not start (data: $DATA, port $port)"
    fi
    pg_running || cz_die "PostgreSQL started but is not running: see $PGDIR/log"
}

psql_admin() {  # psql_admin SQL...
    PGCONNECT_TIMEOUT=10 "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
        -U postgres -d postgres -tA "$@"
}

pg_ensure_db() {
    local i
    for i in $(seq 1 50); do
        psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break
        ((i == 50)) && cz_die "PostgreSQL on 127.0.0.1:$PG_PORT does not accept connections: see $PGDIR/log"
        sleep 0.2
    done
    if [[ $(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'cadenza'") != 1 ]]; then
        psql_admin -c 'CREATE ROLE cadenza LOGIN SUPERUSER' >/dev/null
    fi
    if [[ $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'cadenza'") != 1 ]]; then
        psql_admin -c 'CREATE DATABASE cadenza OWNER cadenza' >/dev/null
    fi
}

pg_stop() {
    pg_running || return 0
    if ! as_pg "$BINDIR/pg_ctl" stop -w -t 60 -D "$DATA" -m fast >/dev/null 2>&1; then
        cz_say "services: PostgreSQL did not stop in 60 s; using immediate mode"
        as_pg "$BINDIR/pg_ctl" stop -w -t 30 -D "$DATA" -m immediate >/dev/null 2>&1 || true
    fi
    pg_running && cz_die "could not stop PostgreSQL (pid $PG_PID)"
    return 0
}

# ---------------------------------------------------------------- Redis
R_PID="" R_PORT=""
redis_running() {  # sets R_PID, R_PORT
    R_PID="" R_PORT=""
    local pid port
    pid="$(cat "$RPID" 2>/dev/null || true)"
    port="$(cat "$RDIR/port" 2>/dev/null || true)"
    [[ $pid =~ ^[0-9]+$ && $port =~ ^[0-9]+$ ]] || return 1
    cz_alive "$pid" || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == redis-server* ]] || return 1
    # A recycled pid could be somebody else's redis: ours shows its port in its title.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q ":$port\b" || return 1
    R_PID="$pid" R_PORT="$port"
}

redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]; }

redis_start() {
    mkdir -p "$RDIR"
    if redis_running && redis_ping "$R_PORT"; then return 0; fi
    if [[ -n $R_PID ]]; then  # alive but not answering: replace it
        kill -TERM "$R_PID" 2>/dev/null || true
        sleep 1
    fi
    rm -f "$RPID"
    local port i
    port="$(cat "$RDIR/port" 2>/dev/null || true)"
    if ! [[ $port =~ ^[0-9]+$ ]] || ! cz_port_free "$port"; then port="$(cz_free_port)"; fi
    printf '%s\n' "$port" >"$RDIR/port"
    if ! redis-server 9>&- --port "$port" --bind 127.0.0.1 --daemonize yes --pidfile "$RPID" \
        --dir "$RDIR" --logfile "$RDIR/log" --save "" --appendonly no >/dev/null 2>&1; then
        cz_say "---- $RDIR/log (last 20 lines) ----"; tail -n 20 "$RDIR/log" >&2 || true
        cz_die "redis-server did not start (port $port)"
    fi
    for i in $(seq 1 100); do
        if redis_running && redis_ping "$port"; then return 0; fi
        sleep 0.1
    done
    cz_say "---- $RDIR/log (last 20 lines) ----"; tail -n 20 "$RDIR/log" >&2 || true
    cz_die "redis-server on 127.0.0.1:$port does not answer PING"
}

redis_stop() {
    redis_running || return 0
    local i
    redis-cli -h 127.0.0.1 -p "$R_PORT" shutdown nosave >/dev/null 2>&1 || true
    for i in $(seq 1 50); do cz_alive "$R_PID" || { rm -f "$RPID"; return 0; }; sleep 0.1; done
    kill -TERM "$R_PID" 2>/dev/null || true
    for i in $(seq 1 30); do cz_alive "$R_PID" || { rm -f "$RPID"; return 0; }; sleep 0.1; done
    kill -KILL "$R_PID" 2>/dev/null || true
    rm -f "$RPID"
}

# ---------------------------------------------------------------- commands
write_env() {
    local tmp="$ENVFILE.tmp.$$"
    {
        echo "# Written by scripts/services.sh start; source it (set -a) or: eval \"\$(scripts/services.sh env DIR)\""
        printf 'export DATABASE_URL=%q\n' "postgresql+asyncpg://cadenza@127.0.0.1:$PG_PORT/cadenza"
        printf 'export REDIS_URL=%q\n' "redis://127.0.0.1:$R_PORT/0"
        printf 'export CADENZA_PG_PORT=%q\n' "$PG_PORT"
        printf 'export CADENZA_PG_BINDIR=%q\n' "$BINDIR"
        printf 'export CADENZA_REDIS_PORT=%q\n' "$R_PORT"
        printf 'export CADENZA_VAR_DIR=%q\n' "$VAR"
    } >"$tmp"
    mv -f "$tmp" "$ENVFILE"
}

need_tools() {
    BINDIR="$(cz_pg_bindir)" || cz_die "PostgreSQL server binaries not found: run scripts/bootstrap.sh (or apt-get install postgresql)"
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 ||
        cz_die "redis-server/redis-cli not found: run scripts/bootstrap.sh (or apt-get install redis-server)"
    if cz_is_root; then command -v runuser >/dev/null 2>&1 || cz_die "runuser (util-linux) not found"; fi
}

BINDIR=""
case "$CMD" in
start)
    need_tools
    # One start at a time per VAR_DIR.
    exec 9>"$VAR/.services.lock"
    flock -w 180 9 || cz_die "timed out waiting for $VAR/.services.lock (another services.sh start/stop?)"
    pg_prepare_dirs
    pg_start
    pg_ensure_db
    redis_start
    write_env
    cz_say "services: postgres 127.0.0.1:$PG_PORT, redis 127.0.0.1:$R_PORT ($VAR)"
    ;;
stop)
    BINDIR="$(cz_pg_bindir || true)"
    [[ -d $VAR ]] || exit 0
    exec 9>"$VAR/.services.lock"
    flock -w 180 9 || cz_die "timed out waiting for $VAR/.services.lock (another services.sh start/stop?)"
    if pg_running; then
        [[ -n $BINDIR ]] || cz_die "PostgreSQL runs (pid $PG_PID) but pg_ctl is not found"
        pg_stop
    fi
    redis_stop
    rm -f "$ENVFILE"
    ;;
status)
    rc=0
    if pg_running; then
        echo "postgres: running  pid $PG_PID  127.0.0.1:$PG_PORT  data $DATA"
    else
        echo "postgres: stopped  (data $DATA)"; rc=1
    fi
    if redis_running && redis_ping "$R_PORT"; then
        echo "redis:    running  pid $R_PID  127.0.0.1:$R_PORT  dir $RDIR"
    else
        echo "redis:    stopped  (dir $RDIR)"; rc=1
    fi
    exit "$rc"
    ;;
env)
    [[ -r $ENVFILE ]] || cz_die "$ENVFILE not found: run scripts/services.sh start $2"
    cat "$ENVFILE"
    ;;
esac
