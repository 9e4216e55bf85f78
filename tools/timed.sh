#!/usr/bin/env bash
# timed.sh STAGE COMMAND...: runs COMMAND and prints how long the stage took (for `make test` in CI).
stage=$1
shift
start=$(date +%s)
echo "=== ${stage}: $*"
"$@"
status=$?
echo "=== ${stage}: $(( $(date +%s) - start )) s (exit ${status})"
exit $status
