#!/usr/bin/env bash
# Installs what cowcheck needs to build and test, from Debian 12's packages, if missing.
# Run as root (CI and the project's machines are); uses sudo when not root.
set -euo pipefail
pkgs=(cmake ninja-build g++ pkg-config libz3-dev libboost-graph-dev libfmt-dev catch2
      libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libxxhash-dev
      chromium)  # chromium: tests/test_svg.cpp renders check --svg's pictures headless
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
