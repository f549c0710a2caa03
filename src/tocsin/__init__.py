"""Tocsin: document, cross-check, assess risk, warn, act and track."""

__version__ = "0.1.0"
