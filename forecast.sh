#!/usr/bin/env bash
# The main job: installs PoCL (and a font for --plots) when possible, then runs the forecasting sample
# (arguments are passed on, e.g. --quick, --plots figures).
set -euo pipefail
cd "$(dirname "$0")"
bash eng/install-pocl.sh
bash eng/install-plot-fonts.sh
dotnet run -c Release --project samples/Forecasting -- "$@"
