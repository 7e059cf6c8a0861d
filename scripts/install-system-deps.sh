#!/usr/bin/env bash
# Installs the Debian packages sscard needs, only those missing (so a second run costs nothing):
# pcscd + vsmartcard-vpcd for the virtual PC/SC reader, libpcsclite-dev + gcc to build pyscard,
# a JDK and Maven for the applets and the simulator, chromium for the headless-browser check of the
# conformance report's HTML page (tests/conformance; skipped without it).
set -euo pipefail
packages=(pcscd vsmartcard-vpcd libpcsclite1 libpcsclite-dev gcc make maven chromium)
command -v javac >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  || packages+=(python3-dev)
python3 -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
