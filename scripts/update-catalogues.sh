#!/usr/bin/env bash
# Refresh the translation catalogues after changing page text: extract every marked message
# into messages.pot, then merge it into each language's messages.po (new entries come in
# empty; changed ones are marked fuzzy for a translator to check). See docs/translating.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
WEB=src/tocsin/web
"$BIN/pybabel" extract -F babel.cfg -k N_ --no-location --sort-output \
  --project Tocsin --copyright-holder "Tocsin contributors" \
  -o "$WEB/locale/messages.pot" "$WEB"
"$BIN/pybabel" update --no-fuzzy-matching --ignore-obsolete -i "$WEB/locale/messages.pot" -d "$WEB/locale"
