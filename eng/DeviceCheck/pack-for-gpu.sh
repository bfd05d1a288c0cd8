#!/usr/bin/env bash
# Packs what run-on-gpu.sh needs into a folder: the installed .NET runtime (no SDK) and a Release build of the check.
# Usage: pack-for-gpu.sh PACKAGE_DIR
set -euo pipefail
package=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
dotnet build "$here/DeviceCheck.csproj" -c Release --nologo -v quiet -p:UseSharedCompilation=false
rm -rf /tmp/devicecheck-pack && mkdir -p /tmp/devicecheck-pack && cp -r "$here/bin/Release/net10.0" /tmp/devicecheck-pack/app
tar -czf "$package/devicecheck.tar.gz" -C /tmp/devicecheck-pack app
root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime=$(cd "$root" && ls -d shared/Microsoft.NETCore.App/10.* | sort -V | tail -1)
[ -f "$package/dotnet-runtime.tar.xz" ] || tar -cJf "$package/dotnet-runtime.tar.xz" -C "$root" dotnet host "$runtime"
ls -la "$package"
