# The driftboard image: the same package the tests install (`pip install .`, locked), one console
# command as the entry point. Build: docker build -t driftboard .
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
COPY driftboard ./driftboard
COPY migrations ./migrations
COPY alerting/config.yml ./alerting/config.yml
# Under the pins of requirements.lock: the versions CI tested and scripts/audit.sh audits.
RUN pip install --constraint requirements.lock .

# Job specs and example data are mounted by docker-compose.yml; reports live on a volume.
RUN useradd --system --uid 10001 --home-dir /var/lib/driftboard --create-home driftboard \
    && mkdir -p /var/lib/driftboard/reports /app/jobs && chown -R driftboard /var/lib/driftboard
USER driftboard
ENV DRIFTBOARD_REPORTS_DIR=/var/lib/driftboard/reports DRIFTBOARD_JOBS_DIR=/app/jobs

ENTRYPOINT ["driftboard"]
CMD ["--help"]
