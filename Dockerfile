# Network Commons: production image (Daphne serving HTTP and websockets).
#
#   docker build -t network-commons .
#   docker run --rm -p 8000:8000 \
#     -e SECRET_KEY=... -e ALLOWED_HOSTS=network.example.org \
#     -e DATABASE_URL=postgres://... network-commons
#
# Configuration comes from the environment at run time only (see
# cop_site/settings/production.py and docker-compose.yml); nothing secret is
# baked into any layer. The image runs as an unprivileged user (uid 10001).
#
# Commands (through docker/entrypoint.sh):
#   (default)                          daphne on 0.0.0.0:8000
#   migrate                            python manage.py migrate --noinput, then exit
#   python manage.py db_worker         the background task worker
#   any other command                  run as given; RUN_MIGRATIONS=1 migrates first
#
# Written for the classic builder as well as BuildKit (no RUN --mount, no
# COPY --chmod), so docker-compose 1.29's own build works too.

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------------------
# Stage 1: build wheels for the project and its dependencies, install them
# into a virtualenv that the runtime stage copies whole.
# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src

# Dependencies first, from pyproject.toml alone, so that this layer is reused
# until the dependency list itself changes. (Every dependency ships wheels for
# CPython 3.11 on manylinux, so no compiler is needed.)
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip wheel --wheel-dir /wheels -r /tmp/requirements.txt

# Then the project itself, built from pyproject.toml by setuptools.
COPY . ./
RUN pip wheel --no-deps --wheel-dir /wheels . \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-index --find-links /wheels network-commons

# ---------------------------------------------------------------------------
# Stage 2: slim runtime.
# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# Not secrets: where things live and which settings module to use.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=cop_site.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

# Pango (and its fonts) for WeasyPrint, which draws the impact report's PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

COPY --from=build /opt/venv /opt/venv

# The project's packages live in the virtualenv; /app holds manage.py, the
# collected static files and the media volume.
WORKDIR /app
COPY manage.py ./
COPY docker/entrypoint.sh /usr/local/bin/docker-entrypoint
RUN chmod 0755 /usr/local/bin/docker-entrypoint

# collectstatic needs the production settings to import, and they require
# SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL. These throwaway values exist
# only for this one command (nothing connects to the database here); they are
# not ENV, so no container started from the image sees them.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build:build@build.invalid:5432/build \
    python manage.py collectstatic --noinput --verbosity 0 \
    && install -d -o app -g app -m 0755 /app/media

USER 10001:10001

# Uploaded files (Wagtail images and documents) go to /app/media: mount a
# volume there (docker-compose.yml does). No VOLUME line, so that a one-off
# `docker run` does not leave anonymous volumes behind.

EXPOSE 8000

# /healthz answers "ok" without touching the database. The check sends the
# first ALLOWED_HOSTS entry as Host, since Django refuses any other host.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["docker-entrypoint", "healthcheck"]

ENTRYPOINT ["docker-entrypoint"]
# --proxy-headers: take the client address from X-Forwarded-For, which only
# the reverse proxy in front can set (port 8000 is not published).
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "--no-server-name", "cop_site.asgi:application"]
