"""The stdlib unit tests look built-ins up in the shared registry, which loads its modules
lazily (start-up time); load them all before any test module is collected."""

from cloudburst.stdlib import load_all

load_all()
