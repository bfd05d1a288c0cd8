#!/usr/bin/env bash
# Packs what run-on-gpu.sh needs into a folder: the installed .NET runtime (no SDK) and a Release build of the check.
# Usage: pack-for-gpu.sh PACKAGE_DIR [ARCHIVE]   (the runtime archive is rebuilt only when missing: delete it after a
# runtime update). ARCHIVE names the build's archive (default devicecheck.tar.gz): ab-on-gpu.sh takes base.tar.gz and
# new.tar.gz, two builds beside one runtime.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 PACKAGE_DIR [ARCHIVE]" >&2
  exit 2
fi
archive=${2:-devicecheck.tar.gz}
package=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
staging=$(mktemp -d /tmp/devicecheck-pack.XXXXXX)
trap 'rm -rf "$staging"' EXIT
# A clean output folder, so no file of an older build travels along.
dotnet build "$here/DeviceCheck.csproj" -c Release --nologo -v quiet -p:UseSharedCompilation=false -o "$staging/app"
tar -czf "$package/$archive" -C "$staging" app
root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime=$(cd "$root" && ls -d shared/Microsoft.NETCore.App/10.* | sort -V | tail -1)
if [ ! -f "$package/dotnet-runtime.tar.xz" ]; then
  tar -cJf "$package/dotnet-runtime.tar.xz" -C "$root" dotnet host "$runtime"
fi
echo "packed into $package (runtime $runtime):"
ls -la "$package"
