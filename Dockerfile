# The worker image: dependencies built in a first stage, a slim final stage with no build tools, run as a
# non-root user, with a health check on the worker's /health (200, or 503 when its lag stalls).
FROM python:3.11-slim AS build
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY worker ./worker
RUN pip install --no-cache-dir .

FROM python:3.11-slim
COPY --from=build /opt/venv /opt/venv
RUN useradd --create-home --uid 10001 tally
USER tally
WORKDIR /home/tally
COPY --chown=tally seeds ./seeds
ENV PATH=/opt/venv/bin:$PATH \
    PROTEST_TALLY_WEB_HOST=0.0.0.0 \
    PROTEST_TALLY_WEB_PORT=6066
EXPOSE 6066
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ['PROTEST_TALLY_WEB_PORT'], timeout=4)"
ENTRYPOINT ["python", "-m", "worker"]
CMD ["worker", "-l", "info"]
