#!/usr/bin/env bash
# Builds OrderDemo (Release, into <repo>/.artifacts) when its sources changed, then runs it. The root dapr.yaml
# starts two instances at once; the build lock (shared with ./dapr-dev) keeps them from building concurrently.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
artifacts=$repo/.artifacts
dll=$artifacts/bin/OrderDemo/release/OrderDemo.dll
stamp=$artifacts/order-demo.build-stamp

mkdir -p "$artifacts"
have_flock=false
command -v flock > /dev/null 2>&1 && have_flock=true
if $have_flock; then
  exec 9> "$artifacts/dapr-dev.build.lock"
  flock 9
fi
changed=$(find "$here" \( -name bin -o -name obj -o -name .dapr \) -prune -o -type f -newer "$stamp" -print -quit 2> /dev/null || echo missing-stamp)
if [[ ! -f "$dll" || ! -f "$stamp" || -n "$changed" ]]; then
  echo "building OrderDemo..."
  # An interrupted build must not pass for a finished one: the stamp comes back only when the build succeeds.
  rm -f "$stamp"
  touch "$stamp.next"
  dotnet build "$here/OrderDemo.csproj" -c Release --artifacts-path "$artifacts" -nologo -v q -clp:ErrorsOnly
  mv "$stamp.next" "$stamp"
fi
if $have_flock; then
  flock -u 9
  exec 9>&-
fi

exec dotnet "$dll" "$@"
