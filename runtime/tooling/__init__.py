"""Developer tools built on the language's front end: the formatter, the test runner and
the language server."""
