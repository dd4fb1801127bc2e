# The schoolbot image of a district's deployment (compose.yaml, docs/district.md): the worker,
# the schema upgrade, the command line for the IT staff (`schoolbot school add ...`) and, for the
# demo only, the Telegram sandbox. Build: docker build -t schoolbot .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SCHOOLBOT_LISTEN=0.0.0.0:8080 \
    SCHOOLBOT_LOG_FORMAT=json

# A user without a shell or a writable home: the process writes only to the database.
RUN groupadd --system --gid 10001 schoolbot \
    && useradd --system --uid 10001 --gid schoolbot --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin schoolbot

WORKDIR /app
# The dependencies first (a layer that changes only with pyproject.toml), then the code.
COPY pyproject.toml README.md LICENSE ./
RUN mkdir -p bot storage sandbox && touch bot/__init__.py storage/__init__.py sandbox/__init__.py \
    && pip install . && pip uninstall -y schoolbot && rm -rf bot storage sandbox build *.egg-info
COPY bot ./bot
COPY storage ./storage
COPY sandbox ./sandbox
COPY locales ./locales
COPY deploy ./deploy
# Installed in place (the translations are found beside the code, in /app/locales), without the
# dev extras; the catalogs are compiled here because the .mo files are not in the repository.
RUN pip install --no-deps -e . \
    && python -m babel.messages.frontend compile -d locales -D messages --statistics \
    && python -m compileall -q bot storage sandbox

USER schoolbot
EXPOSE 8080
# /healthz answers while the process runs (/readyz, which the proxy checks, also needs the bots
# started and the database answering). No curl in the image: Python's own urllib asks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('SCHOOLBOT_LISTEN', '0.0.0.0:8080').rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]
CMD ["schoolbot", "worker"]
