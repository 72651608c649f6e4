"""planforge: Excel discovery intake -> validated portfolio -> one implementation plan per project."""

__version__ = "0.1.0"
