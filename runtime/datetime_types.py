"""The ``datetime`` module's types, for the modules a script's run loads.

CPython's ``datetime`` module first runs its whole pure-Python implementation and then
replaces it with the C one (``_datetime``): importing the C module directly skips that
(4M instructions, 3% of a cached ``cloudburst run``). The classes are the same objects
either way (``datetime.date is _datetime.date``)."""

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
else:
    try:
        import _datetime as dt
    except ImportError:  # pragma: no cover - an interpreter without the C module
        import datetime as dt

__all__ = ["dt"]
