FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY worker ./worker
COPY seeds ./seeds
RUN pip install --no-cache-dir .
ENTRYPOINT ["python", "-m", "worker"]
CMD ["worker", "-l", "info"]
