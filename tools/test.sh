#!/usr/bin/env bash
# The project's checks and tests (the README's test command runs this after installing):
#   1. the notebooks and the library agree: nbdev_export and nbdev_clean change nothing;
#   2. README.md is the rendering of nbs/index.ipynb;
#   3. the exported package has no undefined names or unused imports (ruff F821/F401/F811);
#   4. nbdev's documentation pre-processing runs on every notebook;
#   5. nbdev_test runs every notebook (cells flagged slow or cuda are skipped: TEST_FLAGS="slow cuda" runs them).
# Ends with "N passed, M failed" for the notebooks; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"
export HF_HUB_OFFLINE=1   # tests never download weights
failed_checks=()

state() { git status --porcelain -- latentsync nbs README.md 2>/dev/null; git diff -- latentsync nbs README.md 2>/dev/null | md5sum; }
before=$(state)
nbdev_export && nbdev_clean
if [ "$before" != "$(state)" ]; then
  echo "FAIL: nbdev_export / nbdev_clean changed files: the library or the notebooks were out of step:" >&2
  git status --short -- latentsync nbs >&2
  failed_checks+=("export/clean")
else
  echo "ok: nbdev_export and nbdev_clean change nothing"
fi

python tools/readme.py --check || failed_checks+=("readme")
if ruff check --select F821,F401,F811 --exclude latentsync/_modidx.py latentsync; then
  echo "ok: no undefined names or unused imports in latentsync/"
else failed_checks+=("ruff"); fi
bash tools/docs.sh --check || failed_checks+=("docs")

nbs=$(ls nbs/*.ipynb | wc -l)
log=$(mktemp)
start=$(date +%s)
nbdev_test --n_workers 1 --do_print --timing --flags "${TEST_FLAGS:-}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
failed=$(awk '/Tests Failed On The Following Notebooks/{f=1; next} f && /\.ipynb/{n++} END{print n+0}' "$log")
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=$nbs; fi   # nbdev_test died before reporting
ran=$(grep -c '^Starting ' "$log")
rm -f "$log"
echo "nbdev_test: $ran of $nbs notebooks run in $(( $(date +%s) - start )) s"
[ ${#failed_checks[@]} -eq 0 ] || echo "failed checks: ${failed_checks[*]}"
echo "$(( nbs - failed )) passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ ${#failed_checks[@]} -eq 0 ]
