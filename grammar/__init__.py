"""The Deluge grammar, shipped as package data."""
