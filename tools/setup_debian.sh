#!/usr/bin/env bash
# Installs the Debian packages thorax needs to build, test and benchmark.
# Idempotent: packages already present are left alone, and apt is not even
# consulted when everything is installed. Needs root (CI and our machines run as root).
set -euo pipefail

packages=(
  cmake make g++ clang ccache libclang-rt-14-dev libomp-14-dev
  libeigen3-dev libstb-dev doctest-dev libbenchmark-dev
  zlib1g-dev libcli11-dev nlohmann-json3-dev openmpi-bin libopenmpi-dev
  python3-torch python3-torchvision python3-numpy python3-sklearn libopenblas0-openmp python3-venv
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages (${missing[*]}); run 'make setup' as root or install them with apt-get" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
