"""HTTP API (FastAPI) over the capability services."""
