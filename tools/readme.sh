#!/usr/bin/env bash
# Print README.md as generated from nbs/index.ipynb (Jupyter's own Markdown export; no Quarto needed).
# Usage: tools/readme.sh > README.md
set -euo pipefail
cd "$(dirname "$0")/.."
jupyter nbconvert --to markdown --stdout --log-level=ERROR nbs/index.ipynb
