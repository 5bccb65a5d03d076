#!/usr/bin/env bash
# The project's checks and tests (the README's test command runs this after installing):
#   1. the notebooks and the library agree: nbdev_export and nbdev_clean change nothing;
#   2. README.md is the rendering of nbs/index.ipynb;
#   3. the exported package has no undefined names or unused imports (ruff F821/F401/F811);
#   4. nbdev's documentation pre-processing runs on every notebook;
#   5. nbdev_test runs every notebook, each in its own process, TEST_JOBS at a time (cells flagged slow or cuda are
#      skipped: TEST_FLAGS="slow cuda" runs them).
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

# Each notebook runs in a fresh nbdev_test process: one long-lived worker keeps the memory of every notebook before
# (glibc and decord do not give it back) and was killed by the OOM killer at 24 GiB on the pipeline notebook.
# TEST_JOBS notebooks run at once (default: the number of cores, at most 4), the longest first; each one's output is
# printed when it ends.
nbs=$(ls nbs/*.ipynb | wc -l)
jobs=${TEST_JOBS:-$(nproc)}; [ "$jobs" -gt 4 ] && jobs=4
logs=$(mktemp -d)
start=$(date +%s)
ran=0; failed=0; failed_nbs=()
order=$(ls -S nbs/*.ipynb | grep -E "13_pipeline|12_train_runs|14_metrics|08_prepare|03_face|15_cli"; ls nbs/*.ipynb | grep -vE "13_pipeline|12_train_runs|14_metrics|08_prepare|03_face|15_cli")
run_one() {
  local nb=$1 t0; t0=$(date +%s)
  if nbdev_test --path "$nb" --n_workers 0 --do_print --flags "${TEST_FLAGS:-}" > "$logs/$(basename "$nb").log" 2>&1; then
    echo "- ok: $nb in $(( $(date +%s) - t0 )) s" >> "$logs/$(basename "$nb").log"; touch "$logs/$(basename "$nb").ok"
  else
    echo "- FAILED: $nb after $(( $(date +%s) - t0 )) s" >> "$logs/$(basename "$nb").log"
  fi
}
for nb in $order; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  echo "Starting $nb"; ran=$((ran + 1))
  run_one "$nb" &
done
wait
for nb in $order; do
  cat "$logs/$(basename "$nb").log"
  [ -f "$logs/$(basename "$nb").ok" ] || { failed=$((failed + 1)); failed_nbs+=("$(basename "$nb")"); }
done
rm -rf "$logs"
echo "nbdev_test: $ran of $nbs notebooks run in $(( $(date +%s) - start )) s"
[ "$failed" -eq 0 ] || echo "failed notebooks: ${failed_nbs[*]}"
[ ${#failed_checks[@]} -eq 0 ] || echo "failed checks: ${failed_checks[*]}"
echo "$(( nbs - failed )) passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failed_checks[@]} -eq 0 ]
