#!/usr/bin/env bash
# mpirun as the tests and benches start it: as root in CI containers (--allow-run-as-root), more ranks than
# cores allowed, and the shared-memory transport without the single-copy mechanism (process_vm_readv), which
# containers often forbid. Usage: tests/dist/mpirun.sh NP COMMAND...
set -euo pipefail
np=$1
shift
exec mpirun --allow-run-as-root --oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none \
  -np "$np" "$@"
