"""Offline-first retrieval-augmented chat over news articles, with cited answers and summaries."""

__version__ = "0.1.0"
