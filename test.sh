#!/usr/bin/env bash
# The test command: builds the solution, starts real Redis/PostgreSQL/RabbitMQ once for the whole run,
# runs every *.Tests project and the node conformance suites, and prints
#   tests: N passed, N failed, N skipped
# It exits non-zero when a test failed, a test project could not run, or no test ran at all.
#
#   ./test.sh            everything
#   ./test.sh <filter>   only the .NET tests matching a `dotnet test --filter` expression (node suites skipped;
#                        servers started only by test projects whose selected tests need them)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
repo=$(pwd)
filter=${1:-}

infra/install.sh

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/daprplatform-test.XXXXXX")
# PostgreSQL runs as the 'postgres' user and must traverse into its data directory below this one.
chmod 755 "$run_dir"
infra_dir=$run_dir/infra
results=$repo/TestResults
infra_started=false

cleanup() {
  local status=$?
  if $infra_started; then
    infra/stop.sh "$infra_dir" --clean || echo "test.sh: stopping the test servers failed; see $infra_dir" >&2
  fi
  [[ -d "$infra_dir" ]] || rm -rf "$run_dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> dotnet build DaprPlatform.sln -c Release"
dotnet build DaprPlatform.sln -c Release -nologo -v minimal

# Every sidecar the tests start is the one users run: published by ./dapr-dev with NativeAOT.
echo "==> ./dapr-dev build"
DAPRPLATFORM_SIDECAR=$(./dapr-dev build)
export DAPRPLATFORM_SIDECAR
echo "    $DAPRPLATFORM_SIDECAR"

for lock_file in tests/*/package-lock.json; do
  [[ -f "$lock_file" ]] || continue
  echo "==> npm ci in $(dirname "$lock_file")"
  (cd "$(dirname "$lock_file")" && npm ci --no-audit --no-fund --loglevel=error)
done

if [[ -z "$filter" ]]; then
  echo "==> starting Redis, PostgreSQL and RabbitMQ"
  infra_started=true
  infra/start.sh "$infra_dir"
  # shellcheck source=/dev/null
  source "$infra_dir/infra.env"
  echo "    redis $DAPRPLATFORM_REDIS_HOST, postgres port $DAPRPLATFORM_PG_PORT, rabbitmq port $DAPRPLATFORM_AMQP_PORT"
else
  # A filtered run starts servers only if a selected test needs them (each test project's InfraFixture does).
  echo "==> servers not started up front (a filter was given)"
fi

# Sidecars started by tests register their apps here, isolated from a developer's own ./dapr-dev runs.
export DAPR_DEV_HOME=$run_dir/dapr-dev-home
mkdir -p "$DAPR_DEV_HOME"

rm -rf "$results"
mkdir -p "$results"

total_passed=0
total_failed=0
total_skipped=0

# record_run <name> <exit code> <passed> <failed> <skipped>: adds one run's counts. A run that failed without
# a failed test (a crash, a fixture that could not start, a missing build) counts as one failure, so the
# summary never reads clean when the exit code is not.
record_run() {
  local name=$1 exit_code=$2 passed=$3 failed=$4 skipped=$5
  if ((exit_code != 0 && failed == 0)); then
    echo "test.sh: $name exited with $exit_code without a failed test in its results" >&2
    failed=1
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
}

# The TRX logger counts skipped tests in neither notExecuted nor any other counter: they are total - executed.
trx_counter() { # trx_counter <attribute> <Counters element>
  local value
  value=$(grep -o " $1=\"[0-9]*\"" <<<"$2" | grep -o '[0-9]\+' || true)
  echo "${value:-0}"
}

mapfile -t projects < <(find tests -name '*.Tests.csproj' | sort)
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "==> dotnet test $name"
  arguments=(test "$project" -c Release --no-build --nologo
             --logger "trx;LogFileName=$name.trx" --results-directory "$results"
             # A test that never returns must fail the run and be named, not hold CI until its time limit.
             --blame-hang-timeout 8m)
  [[ -n "$filter" ]] && arguments+=(--filter "$filter")
  exit_code=0
  dotnet "${arguments[@]}" || exit_code=$?
  counters=""
  [[ -f "$results/$name.trx" ]] && counters=$(grep -o '<Counters [^>]*>' "$results/$name.trx" | head -n 1 || true)
  record_run "$name" "$exit_code" \
    "$(trx_counter passed "$counters")" \
    "$(($(trx_counter failed "$counters") + $(trx_counter error "$counters") + $(trx_counter timeout "$counters") + $(trx_counter aborted "$counters")))" \
    "$(($(trx_counter total "$counters") - $(trx_counter executed "$counters")))"
done

node_counter() { # node_counter <name> <log>: sums the node test runner's summary lines, TAP (#) or spec (ℹ) form
  awk -v key="$1" '($1 == "#" || $1 == "ℹ") && $2 == key && $3 ~ /^[0-9]+$/ { sum += $3 } END { print sum + 0 }' "$2"
}

if [[ -f tests/conformance/package.json ]]; then
  if [[ -n "$filter" ]]; then
    echo "==> conformance suites skipped (a filter was given)"
  else
    echo "==> npm test in tests/conformance"
    log=$results/conformance.log
    exit_code=0
    (cd tests/conformance && npm test 2>&1) | tee "$log" || exit_code=$?
    record_run conformance "$exit_code" \
      "$(node_counter pass "$log")" \
      "$(($(node_counter fail "$log") + $(node_counter cancelled "$log")))" \
      "$(($(node_counter skipped "$log") + $(node_counter todo "$log")))"
  fi
fi

# The failures are named last, next to the summary, so that the tail of a long CI log says which tests failed and
# why: a message's first lines (Playwright's call log names the locator that timed out).
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  awk '
    /<UnitTestResult / && /outcome="Failed"/ {
      match($0, /testName="[^"]*"/); print "FAILED " substr($0, RSTART + 10, RLENGTH - 11); failed = 1; next
    }
    failed && /<Message>/ { sub(/.*<Message>/, ""); inmessage = 1; lines = 0 }
    inmessage {
      done = sub(/<\/Message>.*/, "")
      if (lines++ < 12) print "       " substr($0, 1, 300)
      if (done) { inmessage = 0; failed = 0 }
      next
    }
    /<\/UnitTestResult>/ { failed = 0; inmessage = 0 }
  ' "$trx"
done
[[ -f "${log:-}" ]] && grep -E '^\s*✖' "$log" | sort -u | sed 's/^ */FAILED (conformance) /' || true

echo "tests: $total_passed passed, $total_failed failed, $total_skipped skipped"

if ((total_failed > 0)); then
  exit 1
fi
if ((total_passed == 0)); then
  echo "test.sh: no test ran" >&2
  exit 1
fi
