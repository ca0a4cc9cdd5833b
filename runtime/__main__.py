"""``python -m cloudburst``."""

import sys

from cloudburst.cli import program

sys.exit(program())
