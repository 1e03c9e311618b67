#!/bin/sh
# Entry point of the Network Commons image.
#
#   migrate [ARGS...]   python manage.py migrate --noinput [ARGS...], then exit
#   healthcheck         exit 0 if the local Daphne answers /healthz with "ok"
#   anything else       exec'd as given (default: daphne, see the Dockerfile).
#                       With RUN_MIGRATIONS=1 it migrates first; set that on
#                       one container only, never on several starting at once.
set -eu

case "${1:-}" in
    migrate)
        shift
        exec python manage.py migrate --noinput "$@"
        ;;
    healthcheck)
        # Django answers 400 to a Host outside ALLOWED_HOSTS, so send the first
        # usable entry (a leading dot means "this domain and its subdomains").
        exec python - <<'EOF'
import os
import sys
import urllib.request

hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
port = os.environ.get("HEALTHCHECK_PORT", "8000")
request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        body = response.read(64).strip()
except Exception as exc:  # any failure means unhealthy
    print(f"healthcheck failed: {exc}", file=sys.stderr)
    sys.exit(1)
if body != b"ok":
    print(f"healthcheck failed: unexpected body {body!r}", file=sys.stderr)
    sys.exit(1)
EOF
        ;;
esac

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
    python manage.py migrate --noinput
fi

exec "$@"
