#!/bin/sh
# numactl's command line answered by numabind, so that numactl's own test scripts run unchanged
# against it: --show and --hardware are commands of their own, everything else is `run`.
cli="$(cd "$(dirname "$0")/../.." && pwd)/dist/cli/main.js"
case "$1" in
  -s | --show) shift; exec node "$cli" show "$@" ;;
  -H | --hardware) shift; exec node "$cli" hardware "$@" ;;
  *) exec node "$cli" run "$@" ;;
esac
