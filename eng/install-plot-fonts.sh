#!/usr/bin/env bash
# Installs a font for the forecasting sample's figures (--plots) when the machine has none: ScottPlot draws with
# SkiaSharp's fontconfig-free build, which reads font files under /usr/share/fonts; a bare container has none and
# its figures would lose their text. The library never needs this. Never fails: without root or apt, figures still render.
set -u
if find /usr/share/fonts /usr/local/share/fonts -type f \( -name '*.ttf' -o -name '*.otf' \) 2>/dev/null | grep -q .; then
  echo "Fonts: found"
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Fonts: installing fonts-dejavu-core with apt-get (for the sample's figures)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core) >/tmp/seqdsl-apt-fonts.log 2>&1 \
    && echo "Fonts: installed" \
    || echo "Fonts: apt-get failed (see /tmp/seqdsl-apt-fonts.log); figures will have no text"
else
  echo "Fonts: none found and not root; run 'sudo apt-get install fonts-dejavu-core' for text in the sample's figures"
fi
exit 0
