#!/usr/bin/env bash
# Runs the device check on a machine with an NVIDIA GPU and no .NET SDK: unpacks a .NET runtime and the check's build
# from the folder given (made by pack-for-gpu.sh), runs it against CUDA, then PyTorch's side of W1/W3/W5 if present.
# Usage: run-on-gpu.sh PACKAGE_DIR [OUTPUT_DIR [extra DeviceCheck options...]]
# SKIP_TORCH=1 leaves out the PyTorch side (saves about 30 s of device time when its figures are already known).
# DEVICECHECK_ARCHIVE names the build's archive in PACKAGE_DIR (default devicecheck.tar.gz; see ab-on-gpu.sh).
set -uo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 PACKAGE_DIR [OUTPUT_DIR [DeviceCheck options...]]" >&2
  exit 2
fi
package=$1
out=${2:-/tmp/devicecheck-out}
shift $(( $# < 2 ? $# : 2 ))
work=$(mktemp -d /tmp/devicecheck.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv 2>&1 | tee "$out/nvidia-smi.txt"
runtimes=$(dotnet --list-runtimes 2>/dev/null || true)
if [[ "$runtimes" == *"Microsoft.NETCore.App 10."* ]]; then
  dotnet=$(command -v dotnet)
else
  tar -xJf "$package/dotnet-runtime.tar.xz" -C "$work" || { echo "could not unpack $package/dotnet-runtime.tar.xz" >&2; exit 2; }
  dotnet=$work/dotnet
fi
archive=${DEVICECHECK_ARCHIVE:-devicecheck.tar.gz}
tar -xzf "$package/$archive" -C "$work" || { echo "could not unpack $package/$archive" >&2; exit 2; }
# ILGPU opens the driver as libcuda.so; a container may mount only libcuda.so.1 (never link the toolkit's stub).
cache=$(ldconfig -p)
if [[ "$cache" != *"libcuda.so "* ]]; then
  real=$(awk '/libcuda\.so\.1 /{print $NF; exit}' <<<"$cache")
  [ -n "$real" ] || real=$(find / -name 'libcuda.so.1' -not -path '*/stubs/*' 2>/dev/null | head -1)
  if [ -z "$real" ]; then
    echo "no libcuda.so.1 on this machine: is the NVIDIA driver installed?" >&2
    exit 3
  fi
  echo "libcuda.so missing from the loader cache; linking $real"
  mkdir -p "$work/lib" && ln -sf "$real" "$work/lib/libcuda.so"
  export LD_LIBRARY_PATH=$work/lib:${LD_LIBRARY_PATH:-}
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_ROOT=$(dirname "$(readlink -f "$dotnet")")
"$dotnet" "$work/app/DeviceCheck.dll" --device cuda "$@" 2>&1 | tee "$out/devicecheck.log"
status=${PIPESTATUS[0]}
here=$(dirname "$0")
if [ -z "${SKIP_TORCH:-}" ] && command -v python3 >/dev/null && python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  python3 "$here/torch_baseline.py" 2>&1 | tee "$out/torch.log"
fi
exit "$status"
