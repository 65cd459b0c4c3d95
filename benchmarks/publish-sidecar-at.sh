#!/usr/bin/env bash
# Publishes the sidecar as it was at a git revision, with that revision's own publish profile (what ./dapr-dev build
# published then), into OUT, and prints the path of the sidecar to pass to --baseline-sidecar (a NativeAOT daprd, or
# the daprd.dll of an earlier build, which the harness runs on dotnet as ./dapr-dev ran it then):
#
#   benchmarks/publish-sidecar-at.sh 38eeac8^ /tmp/daprd-before
#   dotnet run -c Release --project benchmarks/DaprPlatform.Benchmarks -- invoke --baseline-sidecar "$(...)"
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <git revision> <output folder>" >&2
  exit 2
fi
rev=$1
out=$(realpath -m "$2")
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
commit=$(git -C "$repo" rev-parse --verify --quiet "$rev^{commit}") || { echo "$0: no commit '$rev' in $repo" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/daprplatform-sidecar-at.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The revision's files only (git archive): no second worktree to clean up, nothing of the current checkout mixed in.
git -C "$repo" archive --format=tar "$commit" | tar -x -C "$work"

rm -rf "$out"
if ! dotnet publish "$work/sidecar/DaprPlatform.Sidecar/DaprPlatform.Sidecar.csproj" -c Release -p:PublishProfile=daprd \
  --artifacts-path "$work/.artifacts" -o "$out" -nologo -v q -clp:ErrorsOnly > "$work/publish.log" 2>&1; then
  cat "$work/publish.log" >&2
  echo "$0: publishing the sidecar at $rev ($commit) failed" >&2
  exit 1
fi
echo "$commit" > "$out/REVISION"

# A build with a daprd.dll ran as `dotnet daprd.dll` (its daprd next to it is only an apphost); NativeAOT has no dll.
if [[ -f "$out/daprd.dll" ]]; then
  echo "$out/daprd.dll"
else
  echo "$out/daprd"
fi
