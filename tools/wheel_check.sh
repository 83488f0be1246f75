#!/usr/bin/env bash
# Build coach as a wheel, install it (not editable) into a fresh venv outside the checkout,
# and run `coach check` on a Dutch pitch: the wheel must carry its rules and models.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$root"
"$work/venv/bin/python" -m pip install --quiet "$work"/dist/coach-*.whl
printf 'Bel me voor een vrijblijvende offerte, deze week 20%% korting.\n' > "$work/pitch.txt"
cd "$work"
status=0
"$work/venv/bin/coach" check --format json "$work/pitch.txt" > "$work/report.json" || status=$?
if [ "$status" -ne 1 ] || ! grep -q '"verdict": "block"' "$work/report.json"; then
  echo "wheel check: coach check from the installed wheel did not block the pitch (exit $status)" >&2
  cat "$work/report.json" >&2
  exit 1
fi
echo "wheel check: the installed wheel blocks the Dutch pitch with its own rules and classifier"
