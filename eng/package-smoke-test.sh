#!/usr/bin/env bash
# Packs the single SeqDsl NuGet package, then builds and runs a fresh console project OUTSIDE the repository that
# references only that package from a local folder feed and declares the seed's LSTM seq-to-seq model.
# Passes when the program prints the generated Summary with 5,250 parameters.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
dotnet pack "$root/SeqDsl.Runtime/SeqDsl.Runtime.csproj" -c Release -o "$feed" --nologo -v quiet
ls "$feed"/SeqDsl.*.nupkg >/dev/null
# The package must carry the generator and the analyzers next to the runtime.
python3 - "$feed"/SeqDsl.*.nupkg <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
for needed in ("lib/net8.0/SeqDsl.Runtime.dll", "analyzers/dotnet/cs/SeqDsl.Generator.dll", "analyzers/dotnet/cs/SeqDsl.Analyzers.dll"):
    if needed not in names:
        sys.exit("package lacks " + needed)
print("package contents: runtime, generator and analyzers present")
PY

app="$work/app"
mkdir -p "$app"
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$feed" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="SeqDsl" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
# Keep the default nuget.org source (or this machine's mirror of it) for ILGPU.
dotnet nuget list source --configfile "$app/nuget.config" >/dev/null
cat > "$app/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="SeqDsl" Version="0.1.0" />
  </ItemGroup>
</Project>
XML
cat > "$app/Program.cs" <<'CS'
using SeqDsl;
using static SeqDsl.Cell;

System.Console.WriteLine(Forecaster.Summary);

[SequenceModel(InputFeatures = 1, Loss = Loss.Mse)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class Forecaster { }
CS
# An empty Directory.Build.props stops MSBuild from picking up any outside the app folder.
echo '<Project />' > "$app/Directory.Build.props"
echo '<Project />' > "$app/Directory.Packages.props"
out=$(cd "$app" && dotnet run -c Release --nologo 2>&1) || { echo "$out"; exit 1; }
echo "$out"
echo "$out" | grep -q 'Total params: 5,250' || { echo "package smoke test: Summary without 5,250 params"; exit 1; }
echo "package smoke test: passed"
