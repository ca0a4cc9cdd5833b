"""Cloudburst: run, check and embed Deluge scripts."""

__version__ = "0.1.0"
