# The production image: gunicorn + whitenoise for web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 creatordesk
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Static files are collected at build time with throwaway settings; nothing secret is baked in.
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    TOKEN_ENCRYPTION_KEY=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtMzItYnl0ZXM= \
    python manage.py collectstatic --noinput -v 0
USER creatordesk
EXPOSE 8000
# 0.0.0.0 inside the container only: compose publishes no port of this service, the proxy reaches it on
# its private network. gunicorn takes --forwarded-allow-ips from FORWARDED_ALLOW_IPS (compose sets the
# proxy's address); without it only 127.0.0.1 and ::1 may set X-Forwarded-Proto. Never '*'.
ENV FORWARDED_ALLOW_IPS=127.0.0.1,::1
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", \
     "--access-logfile", "-"]
