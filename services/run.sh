#!/usr/bin/env bash
# Runs one platform service from the run file (dapr.yaml: command ["bash", "../run.sh", "<Project>"]).
# Builds it (Release, the project's usual bin/ output, which ./test.sh's solution build also writes) when a source it
# depends on changed since its last build here, then runs it in its place. The run file starts every service at
# once; the build lock (shared with ./dapr-dev) makes them build one after another.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <Project> [args...]" >&2
  exit 2
fi
project=$1
shift

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
artifacts=$repo/.artifacts
csproj=$here/$project/$project.csproj
dll=$here/$project/bin/Release/net10.0/$project.dll
stamp=$artifacts/$project.build-stamp

if [[ ! -f "$csproj" ]]; then
  echo "run.sh: no project $csproj" >&2
  exit 2
fi

mkdir -p "$artifacts"
have_flock=false
command -v flock > /dev/null 2>&1 && have_flock=true
if $have_flock; then
  exec 9> "$artifacts/dapr-dev.build.lock"
  flock 9
fi
# Every service builds on the shared projects under services/, workflows/ and libraries/.
changed=$(find "$here" "$repo/workflows" "$repo/libraries" "$repo/Directory.Packages.props" "$repo/Directory.Build.props" \
  \( -name bin -o -name obj -o -name .dapr \) -prune -o -type f -newer "$stamp" -print -quit 2> /dev/null || echo missing-stamp)
if [[ ! -f "$dll" || ! -f "$stamp" || -n "$changed" ]]; then
  echo "building $project..."
  # An interrupted build must not pass for a finished one: the stamp comes back only when the build succeeds.
  rm -f "$stamp"
  touch "$stamp.next"
  if ! dotnet build "$csproj" -c Release -nologo -v q > "$artifacts/$project.build.log" 2>&1; then
    cat "$artifacts/$project.build.log" >&2
    exit 1
  fi
  mv "$stamp.next" "$stamp"
  echo "built $project"
fi
if $have_flock; then
  flock -u 9
  exec 9>&-
fi

exec dotnet "$dll" "$@"
