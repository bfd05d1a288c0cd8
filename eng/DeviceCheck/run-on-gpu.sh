#!/usr/bin/env bash
# Runs the device check on a machine with an NVIDIA GPU and no .NET SDK: unpacks a .NET runtime and the check's build
# from the folder given (made by pack-for-gpu.sh), runs it against CUDA, then PyTorch's side of W1/W3/W5 if present.
# Usage: run-on-gpu.sh PACKAGE_DIR [OUTPUT_DIR] [extra DeviceCheck options]
set -uo pipefail
package=$1
out=${2:-/tmp/devicecheck-out}
shift 2 || shift $#
mkdir -p "$out" /tmp/devicecheck
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv 2>&1 | tee "$out/nvidia-smi.txt"
if command -v dotnet >/dev/null && dotnet --list-runtimes | grep -q "Microsoft.NETCore.App 10"; then
  dotnet=dotnet
else
  tar -xJf "$package/dotnet-runtime.tar.xz" -C /tmp/devicecheck && dotnet=/tmp/devicecheck/dotnet
fi
tar -xzf "$package/devicecheck.tar.gz" -C /tmp/devicecheck
# ILGPU opens the driver as libcuda.so; a container may mount only libcuda.so.1 (never link the toolkit's stub).
if ! ldconfig -p | grep -q 'libcuda\.so '; then
  real=$(ldconfig -p | awk '/libcuda\.so\.1 /{print $NF; exit}')
  [ -n "$real" ] || real=$(find / -name 'libcuda.so.1' -not -path '*/stubs/*' 2>/dev/null | head -1)
  echo "libcuda.so missing from the loader cache; linking $real"
  mkdir -p /tmp/devicecheck/lib && ln -sf "$real" /tmp/devicecheck/lib/libcuda.so
  export LD_LIBRARY_PATH=/tmp/devicecheck/lib:${LD_LIBRARY_PATH:-}
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v $dotnet)")")
"$dotnet" /tmp/devicecheck/app/DeviceCheck.dll --device cuda "$@" 2>&1 | tee "$out/devicecheck.log"
status=${PIPESTATUS[0]}
here=$(dirname "$0")
if command -v python3 >/dev/null && python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  python3 "$here/torch_baseline.py" 2>&1 | tee "$out/torch.log"
fi
exit $status
