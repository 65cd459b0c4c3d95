# Shared helpers for start.sh and stop.sh (sourced, not executed).

# A process counts as alive only when it exists and is not a zombie: in the build VMs PID 1 reaps
# orphans slowly, so a stopped daemon can linger as <defunct> for a couple of seconds.
infra_is_alive() {
  local pid=$1 state
  [[ -n "$pid" && "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# infra_wait_dead <pid> <tenths-of-a-second>
infra_wait_dead() {
  local pid=$1 tenths=$2 i
  for ((i = 0; i < tenths; i++)); do
    infra_is_alive "$pid" || return 0
    sleep 0.1
  done
  ! infra_is_alive "$pid"
}

# infra_kill_escalate <pid> <first-signal> <grace-tenths>: first signal, then SIGKILL after the grace period.
infra_kill_escalate() {
  local pid=$1 signal=$2 grace=$3
  infra_is_alive "$pid" || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  infra_wait_dead "$pid" "$grace" && return 0
  kill -KILL "$pid" 2>/dev/null || true
  infra_wait_dead "$pid" 50
}

infra_port_in_use() {
  local port=$1
  [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]] && return 0
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Picks a free TCP port below the kernel's ephemeral range (32768+), so it cannot be taken by an
# outgoing connection later, and distinct from every port given in INFRA_TAKEN_PORTS.
infra_free_port() {
  local port attempt
  for ((attempt = 0; attempt < 200; attempt++)); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    [[ " ${INFRA_TAKEN_PORTS:-} " == *" $port "* ]] && continue
    infra_port_in_use "$port" && continue
    INFRA_TAKEN_PORTS="${INFRA_TAKEN_PORTS:-} $port"
    echo "$port"
    return 0
  done
  echo "no free port found" >&2
  return 1
}

infra_postgres_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$bin" && -x "$bin/initdb" ]] || return 1
  echo "$bin"
}

# Runs a PostgreSQL binary as the 'postgres' OS user when we are root (postgres refuses root).
infra_as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Sends the AMQP 0-9-1 protocol header; a booted broker answers with a Connection.Start frame (type 1).
# The TCP listener only opens at the end of RabbitMQ's boot, so this is a real readiness signal.
infra_amqp_ready() {
  local port=$1 first
  first=$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'AMQP\x00\x00\x09\x01' >&3 && head -c1 <&3 | od -An -tu1" 2>/dev/null) || return 1
  [[ "${first// /}" == 1 ]]
}
