"""What the code generator can prove about a variable's value at a point of the script.

A *fact* says a variable surely holds a NUMBER (with bounds), a TEXT or a KEY-VALUE there,
or at least that it surely has a value ("any"), because every path to that point assigned it so (``total = 0;``, ``m = Map();``, a
``for each index`` variable, ``k = i * 1000 + j`` over such NUMBERs). Inline fast paths
drop the type tests and range checks a fact makes redundant; anything not proven keeps
its guard and falls back to the helpers when the guard fails, so a variable that changes
type mid-loop is only ever a slower path, never a different result.

Facts flow forward: an assignment sets its variable's fact, branches keep what all of them
agree on, and a loop or ``try`` body starts from what holds before it, where every variable
the body assigns is only known to have a value (a loop-carried type is never assumed).
"""

from __future__ import annotations

from cloudburst import nodes as n
from cloudburst.values import INT_MAX, INT_MIN

__all__ = ["Fact", "Facts", "ANY", "INDEX_MAX", "of", "bounds", "assigned", "meet", "forget", "after", "rebinds"]

#: No LIST or TEXT has more elements than the address space has bytes, so a ``for each
#: index`` variable is at most this.
INDEX_MAX = 2**48

#: Expressions nested deeper than this are not analysed (they keep every guard).
_DEPTH = 40


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NamedTuple

    class Fact(NamedTuple):
        kind: str  # "int", "str", "map" or "any" (has a value of unknown type)
        lo: int = INT_MIN
        hi: int = INT_MAX
else:  # the same tuple without importing typing on a first run
    from collections import namedtuple

    Fact = namedtuple("Fact", "kind lo hi", defaults=(INT_MIN, INT_MAX))


Facts = dict[str, Fact]

ANY = Fact("any")
_INT = Fact("int")
_STR = Fact("str")
_MAP = Fact("map")


def _clamped(lo: int, hi: int) -> Fact:
    # A NUMBER result outside the 64-bit range is an error, so the value is within it.
    return Fact("int", max(lo, INT_MIN), min(hi, INT_MAX))


def bounds(op: str, a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int] | None:
    """The exact range of ``a op b`` for NUMBER ranges (None: not known, e.g. ``%`` by a
    range that may hold zero or negatives)."""
    if op == "+":
        return a[0] + b[0], a[1] + b[1]
    if op == "-":
        return a[0] - b[1], a[1] - b[0]
    if op == "*":
        corners = (a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1])
        return min(corners), max(corners)
    if op == "%" and b[0] > 0:
        # Java's remainder: the dividend's sign, smaller than the divisor in magnitude.
        top = b[1] - 1
        return (0 if a[0] >= 0 else max(a[0], -top)), (0 if a[1] <= 0 else min(a[1], top))
    return None


def of(e: n.Expr, facts: Facts, division: str = "truncate", depth: int = 0) -> Fact | None:
    """The fact that holds for the value of ``e`` (None: nothing is proven). A NUMBER
    operation's result is a NUMBER or an error, never anything else."""
    if depth > _DEPTH:
        return None
    if isinstance(e, n.Literal):
        if type(e.value) is int:
            return Fact("int", e.value, e.value)
        return _STR if type(e.value) is str else None
    if isinstance(e, n.Name):
        return facts.get(e.name)
    if isinstance(e, n.Binary):
        left = of(e.left, facts, division, depth + 1)
        right = of(e.right, facts, division, depth + 1)
        if e.op == "+" and (left is not None and left.kind == "str" or right is not None and right.kind == "str"):
            return _STR  # TEXT + anything is TEXT (or an error)
        if left is None or right is None or left.kind != "int" or right.kind != "int":
            return None
        if e.op == "/":
            return _INT if division == "truncate" else None
        span = bounds(e.op, (left.lo, left.hi), (right.lo, right.hi))
        return _INT if span is None else _clamped(*span)
    if isinstance(e, n.BuiltinCall) and e.name == "map" and not e.args or isinstance(e, n.MapLit):
        return _MAP
    return None


def rebinds(e: n.Expr) -> bool:
    """Whether the expression statement ``e`` rebinds its target variable: ``c.insert(k : v);``
    may turn an empty ``Collection()`` into a key-value one (see cloudburst.stdlib.collection)."""
    return (isinstance(e, n.BuiltinMethod) and e.name.lower() == "insert" and isinstance(e.target, n.Name)
            and any(isinstance(a, n.KeyValueArg) for a in e.args))


def _bound(s: n.Stmt) -> str | None:
    """The variable a simple statement assigns, if any."""
    if isinstance(s, (n.Assign, n.CompoundAssign)) and isinstance(s.target, n.Name):
        return s.target.name
    if isinstance(s, n.ExprStmt) and rebinds(s.expr):
        assert isinstance(s.expr, n.BuiltinMethod) and isinstance(s.expr.target, n.Name)
        return s.expr.target.name
    return None


def assigned(stmts: tuple[n.Stmt, ...]) -> set[str]:
    """Every variable the statements (and the blocks inside them) may assign."""
    found: set[str] = set()
    stack: list[Any] = list(stmts)
    while stack:
        s = stack.pop()
        name = _bound(s)
        if name is not None:
            found.add(name)
        elif isinstance(s, n.If):
            for _, body in s.branches:
                stack.extend(body)
            stack.extend(s.otherwise or ())
        elif isinstance(s, n.ForEach):
            found.add(s.var)
            stack.extend(s.body)
        elif isinstance(s, n.Try):
            found.add(s.var)
            stack.extend(s.body)
            stack.extend(s.handler)
    return found


def meet(branches: list[Facts]) -> Facts:
    """What every branch agrees on (a NUMBER's bounds widen to cover all of them; a
    variable all branches assigned differently still has a value)."""
    if not branches:
        return {}
    first, rest = branches[0], branches[1:]
    out: Facts = {}
    for name, fact in first.items():
        others = [b.get(name) for b in rest]
        if any(o is None for o in others):
            continue
        if all(o is not None and o.kind == fact.kind for o in others):
            out[name] = Fact(fact.kind, min([fact.lo, *(o.lo for o in others if o)]),
                             max([fact.hi, *(o.hi for o in others if o)]))
        else:
            out[name] = ANY
    return out


def forget(facts: Facts, names: set[str]) -> Facts:
    """``facts`` where ``names`` may have been reassigned: they keep a value, of any type."""
    return {k: (ANY if k in names else v) for k, v in facts.items()}


def after(s: n.Stmt, facts: Facts, division: str) -> None:
    """Update ``facts`` for a simple statement (not a block) that has just run."""
    name = _bound(s)
    if name is None:
        return
    if isinstance(s, n.Assign):
        value = of(s.value, facts, division)
    elif isinstance(s, n.CompoundAssign):
        value = of(n.Binary(s.span, s.op, s.target, s.value), facts, division)
    else:
        value = None
    facts[name] = ANY if value is None else value
