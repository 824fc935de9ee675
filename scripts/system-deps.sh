#!/usr/bin/env bash
# Installs the Debian packages the project needs, only when one of them is missing:
# a machine that has them all skips apt entirely.
#   scripts/system-deps.sh [EXTRA_PACKAGE...]     e.g. scripts/system-deps.sh chromium
set -euo pipefail

packages=(postgresql redis-server libharfbuzz-subset0 fonts-dejavu-core poppler-utils chromium "$@")

missing=()
for pkg in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    if [[ "$status" != "installed" ]]; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps: all present (${packages[*]}), skipping apt"
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    SUDO=(sudo)
else
    SUDO=()
fi

echo "system-deps: missing ${missing[*]}; running apt-get update + install"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "system-deps: installed ${missing[*]}"
