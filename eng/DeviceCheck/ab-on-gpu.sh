#!/usr/bin/env bash
# An A/B timing on a GPU machine in one call: two builds of the check, packed beside one .NET runtime, run alternately.
# Pack here:  eng/DeviceCheck/pack-for-gpu.sh .device && mv .device/devicecheck.tar.gz .device/base.tar.gz
#               (on the old commit: any commit's pack-for-gpu.sh writes devicecheck.tar.gz)
#             eng/DeviceCheck/pack-for-gpu.sh .device new.tar.gz    (on the new one)
# Run there:  bash eng/DeviceCheck/ab-on-gpu.sh .device $OUT 2 --timings-only --workloads W4,W7
# Usage: ab-on-gpu.sh PACKAGE_DIR OUTPUT_DIR ROUNDS [DeviceCheck options...]
# Writes OUTPUT_DIR/ab-{base,new}-ROUND.log (each run's whole output) and OUTPUT_DIR/ab-summary.txt (every timing row,
# base and new alternated, then each run's last line): 2 · ROUNDS + 1 files, so up to 3 rounds stay within the 8 files
# a device call brings back. Each run unpacks the runtime again (a few seconds). Exit code 0 when every run passes, else
# the last failing run's code. SKIP_TORCH is set: the builds' PyTorch side is the same.
set -uo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 PACKAGE_DIR OUTPUT_DIR ROUNDS [DeviceCheck options...]" >&2
  exit 2
fi
package=$1
out=$2
rounds=$3
shift 3
if ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then
  echo "ROUNDS is '$rounds', but must be a whole number of at least 1" >&2
  exit 2
fi
here=$(dirname "$0")
for build in base new; do
  [ -f "$package/$build.tar.gz" ] || { echo "no $package/$build.tar.gz: pack it with pack-for-gpu.sh $package $build.tar.gz" >&2; exit 2; }
done
mkdir -p "$out"
scratch=$(mktemp -d /tmp/devicecheck-ab.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
status=0
for round in $(seq 1 "$rounds"); do
  for build in base new; do
    log="$out/ab-$build-$round.log"
    DEVICECHECK_ARCHIVE=$build.tar.gz SKIP_TORCH=1 bash "$here/run-on-gpu.sh" "$package" "$scratch/$build-$round" "$@" > "$log" 2>&1
    code=$?
    [ "$code" -eq 0 ] || status=$code
  done
done
{
  for round in $(seq 1 "$rounds"); do
    for build in base new; do
      echo "## $build, round $round"
      grep -E '^W[0-9] ' "$out/ab-$build-$round.log"
      tail -n 1 "$out/ab-$build-$round.log"
    done
  done
} > "$out/ab-summary.txt"
cat "$out/ab-summary.txt"
exit "$status"
