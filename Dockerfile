# SEND Fieldwork: a production image. Build: docker build -t send-fieldwork .
# Run: docker run -e ENVIRONMENT=production -e SECRET_KEY=... -e DATABASE_URL=postgresql://... -p 8000:8000 send-fieldwork
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/sendfw.db \
    UPLOAD_DIR=/data/uploads \
    RUN_MIGRATIONS=1 \
    FORWARDED_ALLOW_IPS=127.0.0.1

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
# WeasyPrint (PDF letters) needs Pango; Liberation Sans stands in for Arial.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --upgrade pip setuptools && pip install . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin sendfw \
    && mkdir -p /data/uploads && chown -R sendfw /data

USER sendfw
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["uvicorn", "--factory", "app.main:create_app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--no-access-log"]
