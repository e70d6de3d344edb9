"""ASGI entry point for `uvicorn candidatex.asgi:app` and multi-worker serving."""

from candidatex.app import create_app

app = create_app()
