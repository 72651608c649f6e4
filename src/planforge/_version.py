"""The one place the version is written (pyproject reads it through hatch's dynamic version)."""

__version__ = "0.1.0"
