FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN pip install --no-cache-dir uv
COPY pyproject.toml uv.lock README.md ./
COPY src ./src
RUN uv sync --frozen --no-dev
COPY frontend ./frontend
RUN if [ -f frontend/package.json ]; then cd frontend && npm ci && npm run build; fi
ENV PATH="/app/.venv/bin:$PATH" CANDIDATEX_DATA_DIR=/data
EXPOSE 8000
CMD ["candidatex", "serve", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
