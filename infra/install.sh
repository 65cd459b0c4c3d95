#!/usr/bin/env bash
# Makes sure what the platform and its tests need is installed, by group (none named: all three, as ./test.sh runs it):
#   servers     redis-server, rabbitmq-server and PostgreSQL 15 (initdb/pg_ctl): `./dapr-dev up` runs this group
#   toolchain   a C toolchain (clang, or gcc when present) that links the NativeAOT sidecar: `./dapr-dev build`
#   test-tools  promtool (Debian's prometheus package) for the monitoring rules' checks, Debian's Chromium for the
#               console's browser tests, and node/npm for the conformance suites
# Idempotent and quiet when everything is present. As root it installs what is missing with apt;
# otherwise it prints the exact command to run and fails.
set -euo pipefail

groups=("$@")
((${#groups[@]} > 0)) || groups=(servers toolchain test-tools)
for group in "${groups[@]}"; do
  case $group in
    servers | toolchain | test-tools) ;;
    *) echo "install.sh: unknown group '$group' (servers, toolchain, test-tools)" >&2; exit 2 ;;
  esac
done
wants() {
  local group
  for group in "${groups[@]}"; do [[ $group == "$1" ]] && return 0; done
  return 1
}

missing_packages=()

postgres_bin() {
  local initdb
  for initdb in /usr/lib/postgresql/*/bin/initdb; do
    [[ -x "$initdb" ]] && { dirname "$initdb"; return 0; }
  done
  return 1
}

if wants servers; then
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 \
    || missing_packages+=(redis-server)
  # The real broker script, not the /usr/sbin wrapper (which switches user and logs to /var/log).
  [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || missing_packages+=(rabbitmq-server)
  postgres_bin >/dev/null || missing_packages+=(postgresql-15)
fi

if wants toolchain; then
  # NativeAOT links with clang, or gcc when there is no clang (.NET's prerequisites name clang and zlib1g-dev).
  command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || missing_packages+=(clang zlib1g-dev)
fi

if wants test-tools; then
  command -v promtool >/dev/null 2>&1 || missing_packages+=(prometheus)
  [[ -x /usr/bin/chromium ]] || missing_packages+=(chromium)
fi

if ((${#missing_packages[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install.sh: missing prerequisites: ${missing_packages[*]}" >&2
    echo "install.sh: run as root: apt-get update && apt-get install -y --no-install-recommends ${missing_packages[*]}" >&2
    exit 1
  fi
  apt_log=$(mktemp)
  # policy-rc.d on the build machines keeps apt from starting the services; the tests start their own.
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}"; } \
       >"$apt_log" 2>&1; then
    echo "install.sh: apt-get install ${missing_packages[*]} failed:" >&2
    tail -n 30 "$apt_log" >&2
    rm -f "$apt_log"
    exit 1
  fi
  rm -f "$apt_log"
fi

if wants servers; then
  postgres_bin >/dev/null || { echo "install.sh: postgresql-15 installed but no initdb under /usr/lib/postgresql/*/bin" >&2; exit 1; }
  # PostgreSQL refuses to run as root, so start.sh runs it as the 'postgres' OS user.
  if [[ $(id -u) -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
    echo "install.sh: running as root but there is no 'postgres' OS user to run PostgreSQL as" >&2
    exit 1
  fi
fi

if wants test-tools; then
  # The conformance suites run on node's built-in test runner (node >= 18).
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install.sh: node and npm are required for the conformance tests (install nodejs >= 18 and npm)" >&2
    exit 1
  fi
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if ((node_major < 18)); then
    echo "install.sh: node $(node --version) is too old; the conformance tests need node >= 18 (node:test)" >&2
    exit 1
  fi
fi
