#!/usr/bin/env bash
# Deployment checks that need neither a Docker engine nor a database.
#
#   scripts/check_deploy.sh          (from any directory; PYTHON=... picks the interpreter,
#                                     default .venv/bin/python, else python3)
#
# 1. Production settings refuse to start without SECRET_KEY (unset or empty).
# 2. `manage.py check --deploy --fail-level WARNING` under
#    cop_site.settings.production, in a realistic environment, reports nothing
#    (and prints no Python warning either).
# 3. `collectstatic` under production settings succeeds, as the Dockerfile
#    runs it at build time (whitenoise's manifest storage fails on any missing
#    file that a CSS or JS file references).
# 4. docker-compose.yml validates with dummy values for its required
#    variables, without printing any warning, and refuses to validate without
#    them.
# 5. docker/entrypoint.sh parses, and the Dockerfile bakes no secret into the
#    image environment.
#
# Every command runs under `env -i` with only the variables given here, so
# nothing from the caller's environment (or a .env file) leaks in. All checks
# run; the script exits non-zero if any of them failed or warned.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ -z ${PYTHON:-} ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

say_fail() {
    echo "FAIL: $*" >&2
}

# A clean environment: PATH, HOME and a UTF-8 locale, plus whatever is passed.
clean() {
    env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C.UTF-8 "$@"
}

# True (and shows them) if the file holds a Python warning ("RuntimeWarning: ...").
has_python_warnings() {
    grep -E '[A-Za-z]*Warning: ' "$1" >&2
}

# Test values that look like production ones. Nothing needs to listen on
# 5432: none of these checks opens a database connection.
SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(64))')
PROD_ENV_NO_SECRET=(
    DJANGO_SETTINGS_MODULE=cop_site.settings.production
    ALLOWED_HOSTS=network.example.org
    DATABASE_URL=postgres://u:p@127.0.0.1:5432/db
)
PROD_ENV=("${PROD_ENV_NO_SECRET[@]}" SECRET_KEY="$SECRET_KEY")

check_secret_key_required() {
    local variant extra log="$WORK/nosecret.log"
    for variant in unset empty; do
        if [[ $variant == empty ]]; then extra=(SECRET_KEY=); else extra=(); fi
        if clean "${PROD_ENV_NO_SECRET[@]}" "${extra[@]}" "$PYTHON" -c 'import django; django.setup()' \
            >"$log" 2>&1; then
            say_fail "production settings started with SECRET_KEY $variant"
            return 1
        fi
        if ! grep -q 'ImproperlyConfigured: The environment variable SECRET_KEY must be set' "$log"; then
            cat "$log" >&2
            say_fail "SECRET_KEY $variant: not refused with ImproperlyConfigured"
            return 1
        fi
        echo "ok: SECRET_KEY $variant -> $(grep -o 'ImproperlyConfigured: .*' "$log")"
    done
}

check_deploy() {
    local log="$WORK/check.log"
    if ! clean "${PROD_ENV[@]}" "$PYTHON" manage.py check --deploy --fail-level WARNING >"$log" 2>&1; then
        cat "$log" >&2
        say_fail "check --deploy reported the issues above"
        return 1
    fi
    if has_python_warnings "$log"; then
        say_fail "check --deploy printed the warning(s) above"
        return 1
    fi
    cat "$log"
}

check_collectstatic() {
    local log="$WORK/collectstatic.log"
    if ! clean "${PROD_ENV[@]}" STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media" \
        "$PYTHON" manage.py collectstatic --noinput >"$log" 2>&1; then
        grep -v -E '^(Copying|Post-processed) ' "$log" | tail -n 8 >&2
        say_fail "collectstatic under production settings failed (the Docker build fails the same way)"
        return 1
    fi
    if has_python_warnings "$log"; then
        say_fail "collectstatic printed the warning(s) above"
        return 1
    fi
    tail -n 1 "$log"
}

check_compose() {
    local compose
    if command -v docker-compose >/dev/null 2>&1; then
        compose=(docker-compose)
    elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
        compose=(docker compose)
    else
        say_fail "neither docker-compose nor 'docker compose' found (apt-get install -y docker-compose)"
        return 1
    fi
    # An empty --env-file: a developer's .env must not make this pass or fail.
    : >"$WORK/empty.env"
    if clean "${compose[@]}" --env-file "$WORK/empty.env" config -q >"$WORK/compose-nosecret.log" 2>&1; then
        say_fail "docker-compose config succeeded without SECRET_KEY / POSTGRES_PASSWORD / ALLOWED_HOSTS"
        return 1
    fi
    if ! grep -q -E 'SECRET_KEY|POSTGRES_PASSWORD|ALLOWED_HOSTS' "$WORK/compose-nosecret.log"; then
        cat "$WORK/compose-nosecret.log" >&2
        say_fail "docker-compose config failed for another reason than the missing variables"
        return 1
    fi
    echo "ok: refused without the required variables"
    if ! clean SECRET_KEY=dummy POSTGRES_PASSWORD=dummy ALLOWED_HOSTS=network.example.org \
        "${compose[@]}" --env-file "$WORK/empty.env" config -q >"$WORK/compose.log" 2>&1; then
        cat "$WORK/compose.log" >&2
        say_fail "docker-compose config -q failed"
        return 1
    fi
    if grep -i 'warn' "$WORK/compose.log" >&2; then
        say_fail "docker-compose config printed the warning(s) above"
        return 1
    fi
    echo "ok: SECRET_KEY=dummy POSTGRES_PASSWORD=dummy ALLOWED_HOSTS=network.example.org ${compose[*]} config -q"
}

check_image_files() {
    if ! sh -n docker/entrypoint.sh; then
        say_fail "docker/entrypoint.sh does not parse"
        return 1
    fi
    if grep -n -E '^[[:space:]]*(ENV|ARG)\b.*(SECRET_KEY|PASSWORD|DATABASE_URL)' Dockerfile >&2; then
        say_fail "the Dockerfile puts a secret into ENV/ARG (lines above)"
        return 1
    fi
    echo "ok"
}

failed=()
run() {
    local name=$1
    shift
    echo "== $name"
    if ! "$@"; then
        failed+=("$name")
    fi
}

run "1. production settings refuse to start without SECRET_KEY" check_secret_key_required
run "2. manage.py check --deploy --fail-level WARNING (production settings)" check_deploy
run "3. collectstatic --noinput (production settings, as in the Docker build)" check_collectstatic
run "4. docker-compose.yml validates" check_compose
run "5. entrypoint parses, no secret in the Dockerfile" check_image_files

if ((${#failed[@]})); then
    echo >&2
    echo "Deployment checks FAILED:" >&2
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "All deployment checks passed."
