#!/usr/bin/env bash
# Starts Redis, PostgreSQL and RabbitMQ as plain processes on free 127.0.0.1 ports, all state under <dir>,
# waits until each really answers, and writes <dir>/infra.env (sourceable `export KEY='value'` lines).
#
#   infra/start.sh <dir>
#
# Exit codes: 0 ready; 1 a server failed (whatever started is stopped again, logs stay in <dir>);
# 2 usage; 3 <dir> already has running servers.
# Optional environment: INFRA_RABBITMQ_TIMEOUT (seconds, default 60), INFRA_REDIS_TIMEOUT (15),
# INFRA_PG_TIMEOUT (60), INFRA_KEEP_DATA=1 (reuse the data an earlier start left in <dir>: PostgreSQL's cluster,
# Redis's append-only file, RabbitMQ's node and its durable queues; otherwise every start begins empty).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$script_dir/lib.sh"

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: $0 <dir>" >&2
  exit 2
fi

mkdir -p "$1"
dir=$(cd "$1" && pwd)

if [[ -f "$dir/infra.env" ]]; then
  for pid_file in "$dir/redis/redis.pid" "$dir/postgres/data/postmaster.pid" "$dir/rabbitmq/launcher.pid"; do
    if [[ -f "$pid_file" ]] && infra_is_alive "$(head -n 1 "$pid_file")"; then
      echo "start.sh: $dir already has running servers; stop them with infra/stop.sh $dir" >&2
      exit 3
    fi
  done
  rm -f "$dir/infra.env"
fi

rabbitmq_timeout=${INFRA_RABBITMQ_TIMEOUT:-60}
keep_data=false
[[ "${INFRA_KEEP_DATA:-}" == 1 ]] && keep_data=true
redis_timeout=${INFRA_REDIS_TIMEOUT:-15}
pg_timeout=${INFRA_PG_TIMEOUT:-60}

# fail <message> [log...]: prints the message and the tail of each non-empty log, stops what started.
fail() {
  local message=$1 log
  shift
  echo "start.sh: $message" >&2
  for log in "$@"; do
    [[ -s "$log" ]] || continue
    echo "---- last lines of $log ----" >&2
    tail -n 40 "$log" >&2
  done
  "$script_dir/stop.sh" "$dir" >&2 || true
  exit 1
}
trap 'fail "interrupted"' INT TERM
trap 'fail "unexpected error at line $LINENO"' ERR

# PostgreSQL runs as the 'postgres' user, which must be able to reach its data directory.
chmod 755 "$dir"
if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$dir"; then
  echo "start.sh: the 'postgres' user cannot traverse $dir (every parent needs o+x); use a directory under /tmp" >&2
  exit 2
fi

pg_bin=$(infra_postgres_bin) || { echo "start.sh: no PostgreSQL under /usr/lib/postgresql; run infra/install.sh" >&2; exit 1; }

INFRA_TAKEN_PORTS=""
amqp_port=$(infra_free_port)
epmd_port=$(infra_free_port)
dist_port=$(infra_free_port)
redis_port=$(infra_free_port)
pg_port=$(infra_free_port)

# --- RabbitMQ first: it takes seconds to boot, so it boots while the others start. -----------------
rmq=$dir/rabbitmq
# A kept broker keeps its node name (its data lives under it) and cookie; the ports are new each time.
if $keep_data && [[ -f "$rmq/nodename" && -f "$rmq/home/.erlang.cookie" ]]; then
  rmq_node=$(cat "$rmq/nodename")
  rm -rf "$rmq/log" "$rmq/plugins-expand"
else
  rm -rf "$rmq"
  rmq_node="rmq$amqp_port@localhost"
fi
mkdir -p "$rmq/home" "$rmq/mnesia" "$rmq/log"
if [[ ! -f "$rmq/home/.erlang.cookie" ]]; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$rmq/home/.erlang.cookie"
  chmod 400 "$rmq/home/.erlang.cookie"
fi
# listeners.tcp.1 (not .default) keeps the listener on 127.0.0.1 only.
printf 'listeners.tcp.1 = 127.0.0.1:%s\nloopback_users.guest = true\nlog.console = false\n' "$amqp_port" > "$rmq/rabbitmq.conf"
echo '[].' > "$rmq/enabled_plugins"
echo "$amqp_port" > "$rmq/port"
echo "$epmd_port" > "$rmq/epmd.port"
echo "$rmq_node" > "$rmq/nodename"
(
  cd "$rmq"
  # A private HOME/cookie, epmd port and node name isolate this broker from any other on the machine.
  export HOME=$rmq/home RABBITMQ_CONF_ENV_FILE=/dev/null \
    RABBITMQ_CONFIG_FILE=$rmq/rabbitmq.conf RABBITMQ_ENABLED_PLUGINS_FILE=$rmq/enabled_plugins \
    RABBITMQ_PLUGINS_EXPAND_DIR=$rmq/plugins-expand RABBITMQ_MNESIA_BASE=$rmq/mnesia RABBITMQ_LOG_BASE=$rmq/log \
    RABBITMQ_PID_FILE=$rmq/rabbitmq.pid RABBITMQ_NODENAME=$rmq_node \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$amqp_port RABBITMQ_DIST_PORT=$dist_port \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    ERL_EPMD_PORT=$epmd_port ERL_EPMD_ADDRESS=127.0.0.1
  exec setsid /usr/lib/rabbitmq/bin/rabbitmq-server > "$rmq/log/stdout.log" 2>&1 < /dev/null
) &
echo $! > "$rmq/launcher.pid"
rmq_launcher=$(cat "$rmq/launcher.pid")

# --- Redis --------------------------------------------------------------------------------------------
redis_dir=$dir/redis
redis_persistence=(--save '' --appendonly no)
if $keep_data; then
  # Workflow and actor state lives here: an append-only file keeps it across restarts.
  redis_persistence=(--save '' --appendonly yes --appendfsync everysec)
  rm -f "$redis_dir/redis.pid" "$redis_dir/redis.log"
else
  rm -rf "$redis_dir"
fi
mkdir -p "$redis_dir"
echo "$redis_port" > "$redis_dir/port"
redis-server --port "$redis_port" --bind 127.0.0.1 "${redis_persistence[@]}" --dir "$redis_dir" \
  --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" < /dev/null > /dev/null 2>&1 \
  || fail "redis-server did not start" "$redis_dir/redis.log"
deadline=$((SECONDS + redis_timeout))
until [[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" == PONG ]]; do
  ((SECONDS < deadline)) || fail "redis did not answer PING on port $redis_port within ${redis_timeout}s" "$redis_dir/redis.log"
  sleep 0.05
done
redis_pid=$(cat "$redis_dir/redis.pid")

# --- PostgreSQL ---------------------------------------------------------------------------------------
pg=$dir/postgres
if ! $keep_data || [[ ! -f "$pg/data/PG_VERSION" ]]; then
  rm -rf "$pg"
  mkdir -p "$pg"
  echo postgres > "$pg/pwfile"
  [[ $(id -u) -eq 0 ]] && chown -R postgres "$pg"
  infra_as_postgres "$pg_bin/initdb" -D "$pg/data" -U postgres --pwfile="$pg/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync \
    < /dev/null > "$pg/initdb.log" 2>&1 \
    || fail "initdb failed" "$pg/initdb.log"
fi
echo "$pg_port" > "$pg/port"
[[ $(id -u) -eq 0 ]] && chown postgres "$pg/port"
# The unix socket goes into our dir; the default /var/run/postgresql may not exist or be writable.
infra_as_postgres "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w -t "$pg_timeout" \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start < /dev/null > "$pg/pg_ctl.log" 2>&1 \
  || fail "PostgreSQL did not start on port $pg_port" "$pg/pg_ctl.log" "$pg/postgres.log"
deadline=$((SECONDS + pg_timeout))
until "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U postgres; do
  ((SECONDS < deadline)) || fail "PostgreSQL not ready on port $pg_port within ${pg_timeout}s" "$pg/postgres.log"
  sleep 0.1
done
pg_pid=$(head -n 1 "$pg/data/postmaster.pid")

# --- wait for RabbitMQ --------------------------------------------------------------------------------
deadline=$((SECONDS + rabbitmq_timeout))
until infra_amqp_ready "$amqp_port"; do
  infra_is_alive "$rmq_launcher" || fail "RabbitMQ exited during boot" "$rmq/log/stdout.log" "$rmq/log/$rmq_node.log"
  ((SECONDS < deadline)) || fail "RabbitMQ did not accept AMQP on port $amqp_port within ${rabbitmq_timeout}s" "$rmq/log/stdout.log" "$rmq/log/$rmq_node.log"
  sleep 0.2
done
rmq_pid=$(cat "$rmq/rabbitmq.pid" 2>/dev/null || echo "$rmq_launcher")

trap - INT TERM ERR

pg_connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=postgres;Database=postgres"
{
  echo "export DAPRPLATFORM_REDIS_HOST='127.0.0.1:$redis_port'"
  echo "export DAPRPLATFORM_REDIS_PORT='$redis_port'"
  echo "export DAPRPLATFORM_PG_CONNECTION='$pg_connection'"
  echo "export DAPRPLATFORM_PG_PORT='$pg_port'"
  echo "export DAPRPLATFORM_AMQP_URI='amqp://guest:guest@127.0.0.1:$amqp_port'"
  echo "export DAPRPLATFORM_AMQP_PORT='$amqp_port'"
  echo "export DAPRPLATFORM_REDIS_PID='$redis_pid'"
  echo "export DAPRPLATFORM_PG_PID='$pg_pid'"
  echo "export DAPRPLATFORM_RABBITMQ_PID='$rmq_pid'"
  echo "export DAPRPLATFORM_INFRA_DIR='$dir'"
} > "$dir/infra.env.tmp"
mv "$dir/infra.env.tmp" "$dir/infra.env"
