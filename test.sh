#!/usr/bin/env bash
# Runs every test of SeqDsl: installs PoCL (and a font for the sample's figures) when possible, runs the solution's tests, then the package smoke test.
set -euo pipefail
cd "$(dirname "$0")"
bash eng/install-pocl.sh
bash eng/install-plot-fonts.sh
dotnet build SeqDsl.sln -c Release --nologo -v quiet
dotnet run --project eng/DeviceInfo -c Release --nologo || echo "SeqDsl device: could not be determined"
dotnet test SeqDsl.sln -c Release --no-build --nologo
# The GPU check's own code, on the CPU accelerator (quick: a quarter of the models, small timings), so it keeps working.
dotnet eng/DeviceCheck/bin/Release/net10.0/DeviceCheck.dll --device cpu --quick
bash eng/package-smoke-test.sh
