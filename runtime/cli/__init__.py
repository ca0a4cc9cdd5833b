"""The front doors: everything that reads the command line, the environment or a terminal.

``cloudburst`` (:func:`main`) is built from the command groups in :mod:`cloudburst.cli.groups`,
one module each (``run``, ``check``, ``repl``, ``connector``, ``connection``, ``secrets``);
:mod:`cloudburst.cli.env` is the only reader of ``CLOUDBURST_*``. Modules below this package
take plain values and never touch ``os.environ``, ``sys.argv`` or a terminal.
"""

from cloudburst.cli.dispatch import (EXIT_COMPILE, EXIT_INTERRUPT, EXIT_LIMIT, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE,
                                     main, program)

__all__ = ["main", "program", "EXIT_OK", "EXIT_RUNTIME", "EXIT_USAGE", "EXIT_COMPILE", "EXIT_LIMIT", "EXIT_INTERRUPT"]
