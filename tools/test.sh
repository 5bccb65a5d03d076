#!/usr/bin/env bash
# The project's checks and tests (the README's test command runs this after installing):
#   1. the notebooks and the library agree: nbdev_export and nbdev_clean change nothing;
#   2. README.md is the rendering of nbs/index.ipynb, and every code cell compiles (nbdev_test would report a
#      SyntaxError as the cell's output and go on);
#   3. the exported package has no undefined names or unused imports (ruff F821/F401/F811);
#   4. nbdev's documentation pre-processing runs on every notebook, and its HTML preview passes the docs checks;
#   5. nbdev_test runs every notebook, each in its own process, TEST_JOBS (2) at a time (cells flagged slow or cuda
#      are skipped: TEST_FLAGS="slow cuda" runs them).
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
python tools/compile_cells.py || failed_checks+=("compile")
if ruff check --select F821,F401,F811 --exclude latentsync/_modidx.py latentsync; then
  echo "ok: no undefined names or unused imports in latentsync/"
else failed_checks+=("ruff"); fi
bash tools/docs.sh --preview || failed_checks+=("docs")

# Each notebook runs in a fresh nbdev_test process: one long-lived worker keeps the memory of every notebook before
# (glibc and decord do not give it back) and was killed by the OOM killer at 24 GiB on the pipeline notebook.
# TEST_JOBS notebooks run at once (default: 2, one per core on the CI machine; the heaviest start first), each with
# its share of the cores for torch; a notebook's output is printed when it ends.
jobs="${TEST_JOBS:-2}"
cores=$(nproc 2>/dev/null || echo 2)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(( cores / jobs > 0 ? cores / jobs : 1 ))}"
logs=$(mktemp -d); trap 'rm -rf "$logs"' EXIT
export logs
run_nb() {
  local nb=$1 name t0; name=$(basename "$nb"); t0=$(date +%s)
  if nbdev_test --path "$nb" --n_workers 0 --do_print --flags "${TEST_FLAGS:-}" > "$logs/$name.log" 2>&1; then
    echo "- ok: $nb in $(( $(date +%s) - t0 )) s" >> "$logs/$name.log"
  else
    echo "- FAILED: $nb after $(( $(date +%s) - t0 )) s" >> "$logs/$name.log"; touch "$logs/$name.failed"
  fi
  cat "$logs/$name.log"
}
export -f run_nb
heavy="nbs/22_pipeline.ipynb nbs/12_prepare.ipynb nbs/24_metrics.ipynb nbs/27_provenance.ipynb nbs/19_train_runs.ipynb nbs/25_cli.ipynb"
order=$( (for nb in $heavy; do [ -f "$nb" ] && echo "$nb"; done; ls nbs/*.ipynb) | awk '!seen[$0]++')
nbs=$(echo "$order" | wc -l)
start=$(date +%s)
echo "$order" | xargs -d '\n' -P "$jobs" -I{} bash -c 'run_nb "$1"' _ {}
ran=$nbs
failed_nbs=(); for f in "$logs"/*.failed; do [ -e "$f" ] && failed_nbs+=("$(basename "$f" .failed)"); done
failed=${#failed_nbs[@]}
echo "nbdev_test: $ran of $nbs notebooks run in $(( $(date +%s) - start )) s"
[ "$failed" -eq 0 ] || echo "failed notebooks: ${failed_nbs[*]}"
[ ${#failed_checks[@]} -eq 0 ] || echo "failed checks: ${failed_checks[*]}"
echo "$(( nbs - failed )) passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failed_checks[@]} -eq 0 ]
