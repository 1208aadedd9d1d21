"""rasd — conflict news in, a structured, geocoded, deduplicated event database out."""

__version__ = "0.1.0"
