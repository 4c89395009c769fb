#!/usr/bin/env bash
# Replays every saved crash in fuzz/regressions/<target>/ through its target
# once (no fuzzing). Exits non-zero if any input still fails.
# Usage: fuzz/regress.sh [target...]   (default: every target with a folder)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for d in regressions/*/; do [ -d "$d" ] && targets+=("$(basename "$d")"); done
fi
status=0
for t in "${targets[@]}"; do
  shopt -s nullglob
  inputs=(regressions/"$t"/*)
  shopt -u nullglob
  [ ${#inputs[@]} -eq 0 ] && continue
  for f in "${inputs[@]}"; do
    case "$f" in *.md|*.txt.note) continue ;; esac
    # model_load's saved input is about memory: fail it if one allocation tops 64 MB.
    extra=()
    # The largest table a valid header can ask for is 402 MB (bits = 24).
    [ "$t" = model_load ] && extra=(-malloc_limit_mb=512)
    if RUSTC_BOOTSTRAP=1 cargo fuzz run -a "$t" "$f" -- -runs=1 "${extra[@]}" >/dev/null 2>&1; then
      echo "ok    $t $f"
    else
      echo "FAIL  $t $f"
      status=1
    fi
  done
done
exit $status
