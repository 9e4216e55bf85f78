#!/bin/sh
# Makes, once, the Python virtual environment in which timm defines inception_resnet_v2 and xception for
# the parity tests (tests/torch/refs_models.py calls this) and for the conversion tools, and prints the
# path of its python. Debian's python3 with --system-site-packages, so it uses Debian's torch and
# torchvision; timm is pinned and installed with --no-deps: everything timm imports when it loads is a
# dependency of python3-torch or python3-torchvision, and huggingface_hub and safetensors, which it would
# pull in, are optional to it (only pretrained downloads from the Hugging Face hub need them).
#
# timm 0.9.16, the last 0.9 release: it runs on torch 1.13, and it has Chollet's original Xception (the
# Keras port with the conv1/block1..block12/conv3/conv4/fc names, which 0.9 renamed from `xception` to
# `legacy_xception`; its `xception41`.. are the later aligned variants) besides inception_resnet_v2.
#
# Usage: tools/timm_venv.sh [DIR]   (default DIR: $THORAX_CACHE, else $XDG_CACHE_HOME/thorax, else
# ~/.cache/thorax, then timm-<version>). Idempotent and safe to run concurrently: an environment whose
# install finished (it holds the marker file written last) is reused at once, a partial one is rebuilt
# under a lock.
set -eu
version=0.9.16
cache=${THORAX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thorax}
venv=${1:-$cache/timm-$version}

marker=$venv/thorax-timm-$version-installed

ready() { [ -f "$marker" ] && [ -x "$venv/bin/python" ]; }

if ! ready; then
  mkdir -p "$(dirname "$venv")"
  exec 9>"$venv.lock"
  flock 9
  if ! ready; then  # another run may have finished it while this one waited
    rm -rf "$venv"
    if ! /usr/bin/python3 -m venv --system-site-packages "$venv" >&2; then
      echo "timm_venv.sh: could not create a virtual environment in $venv (Debian's python3-venv is needed:" \
        "run 'make setup')" >&2
      rm -rf "$venv"
      exit 1
    fi
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --no-deps \
      "timm==$version" >&2; then
      echo "timm_venv.sh: pip could not install timm==$version into $venv (is PyPI reachable?)" >&2
      rm -rf "$venv"
      exit 1
    fi
    if ! "$venv/bin/python" -c "import sys, timm; sys.exit(timm.__version__ != '$version')" >&2; then
      echo "timm_venv.sh: timm $version, installed in $venv, does not import (see above)" >&2
      rm -rf "$venv"
      exit 1
    fi
    touch "$marker"
  fi
fi
echo "$venv/bin/python"
