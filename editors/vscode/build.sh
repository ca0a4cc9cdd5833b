#!/usr/bin/env bash
# Builds cloudburst-deluge-VERSION.vsix: writes the TextMate grammar from the keyword lists
# of the installed cloudburst, installs the client library (package-lock.json) and packages
# with @vscode/vsce from the npm registry. Usage: build.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")"
python="${1:-python3}"
"$python" -c "import sys; from cloudburst.tooling.textmate import render; sys.stdout.write(render())" \
  > syntaxes/deluge.tmLanguage.json
npm ci --no-audit --no-fund --loglevel=error
npx --yes @vscode/vsce@3 package --allow-missing-repository --skip-license -o . 2>&1 | tail -3
