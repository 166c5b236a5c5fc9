"""lumina-wave: run batches of GitHub issues in parallel, in dependency order."""

__version__ = "0.1.0"
