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
# not root: the app's data folder belongs to its own user, mode 0700 (a new named volume takes this ownership)
RUN useradd --system --uid 10001 --home-dir /data candidatex && install -d -m 0700 -o candidatex /data
USER candidatex
EXPOSE 8000
CMD ["candidatex", "serve", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
