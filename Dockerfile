# govbot for an office installation (see deploy/compose.yaml and the README section "여러 프로세스로 운영").
# Build: docker build -t govbot .   The image holds no secrets and no app.yaml: both come at run time.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    GOVBOT_HOST=0.0.0.0 GOVBOT_PORT=8080 GOVBOT_CONFIG=/etc/govbot/app.yaml GOVBOT_WEB_DEV_LOGIN=false

WORKDIR /opt/govbot
COPY pyproject.toml README.md THIRD_PARTY_NOTICES.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY assistants ./assistants
RUN pip install . && useradd --system --uid 10001 --home-dir /var/lib/govbot --create-home govbot

USER govbot
WORKDIR /var/lib/govbot
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status != 200)"
# One process per container by default; `--workers N` runs N on this container's port.
ENTRYPOINT ["govbot"]
CMD ["serve"]
