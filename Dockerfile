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

# collectstatic needs settings but no database: a throwaway key, an unused URL and any pack
# name suffice. The content packs (strategy/content_packs/) came with strategy/ above.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DATABASE_URL=postgres://build@localhost/unused CONTENT_PACK=unused \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R verl:verl /app/media

USER verl
EXPOSE 8000
# /healthz under the first name of ALLOWED_HOSTS: Django answers 400 to a Host it does not serve.
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import os, urllib.request as r; host = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('*.') or 'localhost'; r.urlopen(r.Request(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', headers={'Host': host}), timeout=4)"
# Port, workers (WEB_CONCURRENCY) and an access log without client addresses: see the module.
CMD ["gunicorn", "--config", "python:verl_digital.gunicorn_conf", "verl_digital.wsgi:application"]
