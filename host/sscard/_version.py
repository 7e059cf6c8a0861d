"""The one version number of the Python package (pyproject reads it from here)."""

__version__ = "0.1.0"
