# Production image: gunicorn on a slim Python, run as an unprivileged user.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=verl_digital.settings.prod \
    PORT=8000

RUN groupadd --system verl && useradd --system --gid verl --home-dir /app --shell /usr/sbin/nologin verl

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY verl_digital ./verl_digital
COPY strategy ./strategy
COPY feedback ./feedback
RUN pip install -c constraints.txt .

COPY manage.py ./
COPY templates ./templates
COPY locale ./locale
COPY static ./static

# collectstatic needs settings but no database: a throwaway key and an unused URL suffice.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DATABASE_URL=postgres://build@localhost/unused \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R verl:verl /app/media

USER verl
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"
# Request limits: a request line of 4 KB, 100 header fields of 8 KB each; bodies are limited by
# REQUEST_MAX_BYTES in Django (and should be by the proxy, e.g. nginx client_max_body_size 1m).
CMD ["sh", "-c", "gunicorn verl_digital.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-4} --timeout 30 --graceful-timeout 30 --limit-request-line 4094 --limit-request-fields 100 --limit-request-field_size 8190 --access-logfile - --forwarded-allow-ips='*'"]
