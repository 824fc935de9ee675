#!/usr/bin/env bash
# Makes sure uv 0.13.9 is available, then creates/updates .venv from uv.lock.
# Idempotent and quick when already done.
set -euo pipefail

UV_VERSION=0.13.9
cd "$(dirname "${BASH_SOURCE[0]}")/.."

uv_cmd=()
if command -v uv >/dev/null 2>&1 && [[ "$(uv --version 2>/dev/null)" == "uv ${UV_VERSION}"* ]]; then
    uv_cmd=(uv)
elif python3 -m uv --version 2>/dev/null | grep -q "^uv ${UV_VERSION}\b"; then
    uv_cmd=(python3 -m uv)
else
    echo "bootstrap: installing uv ${UV_VERSION} with pip"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        "uv==${UV_VERSION}"
    # pyenv shims may not see the new executable until a rehash: go through the module
    command -v pyenv >/dev/null 2>&1 && pyenv rehash >/dev/null 2>&1 || true
    uv_cmd=(python3 -m uv)
fi
echo "bootstrap: $("${uv_cmd[@]}" --version)"

echo "bootstrap: uv sync --locked"
UV_PYTHON_DOWNLOADS=never "${uv_cmd[@]}" sync --locked
