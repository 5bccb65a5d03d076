#!/usr/bin/env bash
# Build the documentation site from the notebooks (nbdev 2 + Quarto).
#   bash tools/docs.sh          build the site into _docs/ (needs Quarto) and refresh README.md
#   bash tools/docs.sh --check  run nbdev's documentation pre-processing of every notebook (no Quarto needed):
#                               executes show_doc cells, reads front matter, writes _proc/; fails on any error.
#   bash tools/docs.sh --preview  --check, then render _proc/ to HTML in _preview/ without Quarto (tools/preview.py)
#                               and check it: links and anchors, titles, docstrings, API pages, no tracebacks,
#                               warnings or progress bars in saved outputs. Open _preview/index.html.
# nbdev reads nbs/_quarto.yml, a symbolic link to the root _quarto.yml, which is therefore the configuration in use.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -L nbs/_quarto.yml ] || ln -sf ../_quarto.yml nbs/_quarto.yml

if [ "${1:-}" = "--check" ] || [ "${1:-}" = "--preview" ]; then
  python - <<'PY'
import sys
from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
from nbdev.serve import proc_nbs
import nbdev.doclinks
from nbdev.config import get_config
refresh_quarto_yml()
nbdev.doclinks._build_modidx()
nbdev_sidebar.__wrapped__()
try:
    cache = proc_nbs(force=True, n_workers=0)
except Exception as e:
    print(f"docs pre-processing failed: {type(e).__name__}: {e}", file=sys.stderr); sys.exit(1)
nbs = sorted(p.name for p in get_config().nbs_path.glob("*.ipynb"))
missing = [n for n in nbs if not (cache/n).exists()]
if missing: print(f"docs pre-processing produced nothing for: {', '.join(missing)}", file=sys.stderr); sys.exit(1)
print(f"docs pre-processing: {len(nbs)} notebooks processed into {cache}")
PY
  [ "${1:-}" = "--preview" ] || exit 0
  python tools/preview.py
  exit $?
fi

if ! command -v quarto >/dev/null 2>&1; then
  echo "tools/docs.sh: Quarto is not installed; install it from https://quarto.org/docs/get-started/ (a .deb or tarball; PyPI's quarto-cli downloads it at build time) and re-run, or run 'bash tools/docs.sh --check' for the pre-processing alone." >&2
  exit 1
fi
nbdev_docs
python tools/readme.py
