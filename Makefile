# CandidateX: `make run` starts the platform on embedded defaults; `make test` installs what the tests need and runs them.
SHELL := /bin/bash
PYTHON ?= python3
# `uv run` exports UV (its own path) to children, so a nested make (the run-command test) finds it too.
UV ?= $(PYTHON) -m uv
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000
APT_PACKAGES := redis-server espeak-ng ffmpeg chromium chromium-driver sox

.PHONY: run test check setup python frontend frontend-test system-deps clean

run: setup ## run the whole platform (SecantusDB child process, in-memory Redis stand-ins, demo accounts)
	$(UV) run --frozen candidatex serve --host $(HOST) --port $(PORT)

test: system-deps setup check frontend-test ## install everything the tests need, check, then run the whole suite
	$(UV) run --frozen python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

check: setup ## static checks before any test runs: ruff (pyproject's rule set), mypy on src/, the client's tsc
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen mypy
	@if [ -f frontend/package.json ] && command -v npm >/dev/null 2>&1; then cd frontend && npm run --silent typecheck; \
	else echo "npm not found: the client's type check is skipped"; fi

setup: python frontend

python:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --root-user-action=ignore uv
	$(UV) sync --frozen

frontend:
	@if [ ! -f frontend/package.json ]; then echo "no frontend yet"; \
	elif ! command -v npm >/dev/null 2>&1; then echo "npm not found: the web UI is not built (the API still runs)"; \
	elif [ ! -f frontend/dist/index.html ] || [ -n "$$(find frontend/src frontend/index.html frontend/package.json -newer frontend/dist/index.html 2>/dev/null | head -1)" ]; then \
		cd frontend && { npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error; } && npm run build; \
	else echo "frontend build is up to date"; fi

frontend-test: frontend ## the client's unit tests (Vitest)
	@if [ -f frontend/package.json ] && command -v npm >/dev/null 2>&1; then cd frontend && npm test; else echo "npm not found: frontend unit tests skipped"; fi

system-deps: ## Debian packages the tests use: real Redis, Chromium, espeak-ng speech, ffmpeg
	@missing=""; for bin in redis-server espeak-ng ffmpeg chromium chromedriver sox; do command -v $$bin >/dev/null 2>&1 || missing=1; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; fi

clean:
	rm -rf .venv frontend/node_modules frontend/dist .pytest_cache
