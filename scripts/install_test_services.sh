#!/usr/bin/env bash
# Make sure the programs the test suite starts are on this machine:
# PostgreSQL (initdb, pg_ctl), redis-server, Debian's Chromium, and Pango (which
# WeasyPrint draws the impact report's PDF with).
# As root, installs what is missing with apt-get; otherwise says what to install.
# With --ci, also docker-compose (used by .ci/run to validate docker-compose.yml).
set -euo pipefail

packages=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
[ -x /usr/bin/chromium ] || packages+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || packages+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-}" = "--ci" ]; then
  command -v docker-compose >/dev/null 2>&1 || packages+=(docker-compose)
fi

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages, which are not installed: ${packages[*]}" >&2
  echo "Install them (as root: apt-get install -y ${packages[*]}) and run make test again." >&2
  exit 1
fi

echo "Installing ${packages[*]} with apt-get (once per machine)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
