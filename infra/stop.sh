#!/usr/bin/env bash
# Stops the servers start.sh started under <dir>. Idempotent: whatever is not running is skipped.
#
#   infra/stop.sh <dir> [--clean]      --clean also deletes <dir>
#
# Each server gets its graceful stop first (RabbitMQ SIGTERM, pg_ctl stop -m fast, redis SHUTDOWN NOSAVE),
# then escalating signals. Exit code 1 when some process could not be stopped.
set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$script_dir/lib.sh"

if [[ $# -lt 1 || $# -gt 2 || -z "$1" || ( $# -eq 2 && "$2" != --clean ) ]]; then
  echo "usage: $0 <dir> [--clean]" >&2
  exit 2
fi
dir=$1
clean=false
[[ ${2:-} == --clean ]] && clean=true

if [[ ! -d "$dir" ]]; then
  exit 0
fi
dir=$(cd "$dir" && pwd)
status=0

read_first_line() { [[ -f "$1" ]] && head -n 1 "$1" 2>/dev/null | tr -d '[:space:]'; }

stop_rabbitmq() {
  local rmq=$dir/rabbitmq beam launcher epmd_port epmd_pid
  [[ -d "$rmq" ]] || return 0
  beam=$(read_first_line "$rmq/rabbitmq.pid")
  launcher=$(read_first_line "$rmq/launcher.pid")
  epmd_port=$(read_first_line "$rmq/epmd.port")
  # SIGTERM on the Erlang VM is a graceful broker shutdown (about a second); the launcher shell forwards
  # TERM as well, which covers a broker killed before it wrote its pid file.
  if infra_is_alive "$beam"; then
    infra_kill_escalate "$beam" TERM 150 || { echo "stop.sh: RabbitMQ (pid $beam) did not stop" >&2; status=1; }
  fi
  if infra_is_alive "$launcher"; then
    infra_kill_escalate "$launcher" TERM 150 || { echo "stop.sh: RabbitMQ launcher (pid $launcher) did not stop" >&2; status=1; }
  fi
  # erl starts epmd as a daemon that outlives the node; ours listens on a private port.
  if [[ -n "$epmd_port" ]] && infra_port_in_use "$epmd_port"; then
    ERL_EPMD_PORT=$epmd_port ERL_EPMD_ADDRESS=127.0.0.1 epmd -kill > /dev/null 2>&1 || true
    for epmd_pid in $(ss -Hltnp "sport = :$epmd_port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
      [[ "$(cat "/proc/$epmd_pid/comm" 2>/dev/null)" == epmd ]] || continue
      infra_kill_escalate "$epmd_pid" TERM 20 || { echo "stop.sh: epmd (pid $epmd_pid) did not stop" >&2; status=1; }
    done
  fi
}

stop_postgres() {
  local pg=$dir/postgres pg_bin postmaster
  [[ -f "$pg/data/postmaster.pid" ]] || return 0
  postmaster=$(read_first_line "$pg/data/postmaster.pid")
  infra_is_alive "$postmaster" || return 0
  if pg_bin=$(infra_postgres_bin); then
    infra_as_postgres "$pg_bin/pg_ctl" -D "$pg/data" -m fast -w -t 20 stop < /dev/null > /dev/null 2>&1 || true
  fi
  # SIGQUIT is PostgreSQL's immediate shutdown; the backends follow their postmaster.
  infra_kill_escalate "$postmaster" QUIT 50 || { echo "stop.sh: PostgreSQL (pid $postmaster) did not stop" >&2; status=1; }
}

stop_redis() {
  local redis_dir=$dir/redis pid port
  pid=$(read_first_line "$redis_dir/redis.pid")
  port=$(read_first_line "$redis_dir/port")
  infra_is_alive "$pid" || return 0
  [[ -n "$port" ]] && redis-cli -h 127.0.0.1 -p "$port" shutdown nosave > /dev/null 2>&1
  infra_wait_dead "$pid" 30 || infra_kill_escalate "$pid" TERM 30 || { echo "stop.sh: redis (pid $pid) did not stop" >&2; status=1; }
}

# In parallel would save about a second, but sequential keeps the failure messages readable.
stop_rabbitmq
stop_postgres
stop_redis

if $clean && ((status == 0)); then
  rm -rf "$dir"
fi
exit "$status"
