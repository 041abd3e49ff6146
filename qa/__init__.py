"""Question answering over Chinese government policy documents, with citations.

The library: ``Assistant`` answers questions; the CLI (``python -m qa``) and the web
app (``app.py``) are thin layers over it.
"""

__version__ = "0.1.0"
