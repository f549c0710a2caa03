"""Entry point for Uvicorn: ``uvicorn tocsin.api.asgi:app``."""

from tocsin.api.app import create_app

app = create_app(warm_up=True)
