"""``python -m cloudburst.cli`` (the same as ``python -m cloudburst``)."""

import sys

from cloudburst.cli import program

sys.exit(program())
