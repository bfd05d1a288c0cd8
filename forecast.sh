#!/usr/bin/env bash
# The main job: installs PoCL when possible, then runs the forecasting sample (arguments are passed on, e.g. --quick).
set -euo pipefail
cd "$(dirname "$0")"
bash eng/install-pocl.sh
dotnet run -c Release --project samples/Forecasting -- "$@"
