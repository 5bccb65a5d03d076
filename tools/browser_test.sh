#!/usr/bin/env bash
# Browser tests (headless Chromium from the Debian package, driven by Playwright; nothing is downloaded).
#   bash tools/browser_test.sh [app|docs]   (docs: the preview of `bash tools/docs.sh --preview`)
# Skipped, with the reason, where Chromium, Playwright or Gradio is missing. Screenshots: browser_test/.
set -euo pipefail
cd "$(dirname "$0")/.."
python tools/browser_test.py "$@"
