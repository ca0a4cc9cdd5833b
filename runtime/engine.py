"""The embedding entry point: :class:`Runtime` (configuration and host services),
:class:`Script` (an immutable compiled program) and :class:`Result`.

``Runtime`` is the one object a host configures: time zone, language settings, limits,
capabilities (network, connections, mail) and host-registered functions and integration
tasks. Nothing here reads environment variables, prints or configures logging.
"""

from __future__ import annotations

import time
from _thread import allocate_lock  # threading.Lock, without importing threading (start-up is measured)
from collections import OrderedDict
from decimal import localcontext
from os import fspath

from cloudburst.errors import CloudburstError, ConfigurationError, DelugeRuntimeError, DelugeSyntaxError, Diagnostic, Span
from cloudburst.execution import Execution, Limits, Settings, activate, span_from_traceback, to_deluge_error
from cloudburst.numeric import DECIMAL_CONTEXT, NumberRangeError
from cloudburst.values import from_python, to_python

TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import PathLike
    from typing import Any, Callable, Iterable, Mapping, Sequence
    from dataclasses import dataclass, field

    from cloudburst import nodes as n
    from cloudburst.compiled import Executable
    from cloudburst.pages import PageMap
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import field, record

    def dataclass(**_options: bool):
        return record(eq=True, frozen=True)

# The parser, resolver and compiler are imported only when a script is really compiled:
# a run served from the compiled-script cache never loads them.

__all__ = ["Runtime", "Script", "Result", "run", "InputError"]

if TYPE_CHECKING:
    TaskHandler = Callable[[Execution, dict[str, Any]], Any]


class InputError(CloudburstError):
    """The inputs given to a run do not fit the script (missing or badly typed argument)."""


@dataclass(frozen=True)
class Result:
    """What a run produced. ``value`` is the script's ``return`` value (Deluge form; use
    :meth:`python_value` for plain Python)."""

    value: Any
    info: list[str]
    statements: int
    duration: float
    client_actions: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    #: The main script's final variable values, when the execution asked for them
    #: (``Execution.capture_variables = True``); also set when the run failed part-way.
    variables: dict[str, Any] | None = None

    def python_value(self) -> Any:
        return to_python(self.value)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str


class Script:
    """A compiled script. Immutable: many threads may run it at once, each run with its
    own :class:`Execution` (limits, output, variables)."""

    def __init__(self, runtime: Runtime, name: str, source: str, executable: Executable,
                 warnings: list[Diagnostic], parameters: tuple[Parameter, ...], page: PageMap | None = None) -> None:
        self.runtime = runtime
        self.name = name
        self.source = source
        self.warnings = tuple(warnings)
        #: The arguments of a single-function script (its entry point), in order.
        self.parameters = parameters
        #: For a Creator page (see :mod:`cloudburst.pages`): maps positions back into the page.
        #: A page's run returns its rendered HTML as :attr:`Result.value`.
        self.page = page
        self._entry = executable.entry()

    def new_execution(self, *, limits: Limits | None = None, on_info: Callable[[str], None] | None = None,
                      clock: Callable[[], Any] | None = None, started: float | None = None) -> Execution:
        """An execution to pass to :meth:`run`; keep it to ``cancel()`` the run from another
        thread. ``started`` (``time.monotonic()``) starts the run's clock earlier, e.g. before
        compiling its script."""
        return Execution(self.runtime, limits or self.runtime.limits, self.runtime.settings, on_info, clock, started)

    def run(self, inputs: Mapping[str, Any] | None = None, *, limits: Limits | None = None,
            on_info: Callable[[str], None] | None = None, execution: Execution | None = None,
            started: float | None = None) -> Result:
        """Run with ``inputs`` (plain Python or Deluge values) bound to the script's free
        variables or entry-function parameters. Raises a :class:`CloudburstError` subclass."""
        ex = execution
        if ex is None:
            ex = self.new_execution(limits=limits, on_info=on_info, started=started)
            ex.cancellable = False  # nobody else holds it, so nobody can cancel it
        args = _arguments(inputs or {}, ex, self.name)
        if self.page is not None and "input" not in args:
            args["input"] = from_python(dict(args), ex.tz)  # a page reads its parameters as input.<name>
        ex.form_input = args.get("input")
        missing = [p.name for p in self.parameters if p.name not in args]
        if missing:
            raise InputError(f"missing argument{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                             None, self.name)
        started = time.monotonic()
        previous = activate(ex)
        try:
            with localcontext(DECIMAL_CONTEXT):  # every DECIMAL operation of the run is bounded
                value = self._entry(ex, args)
            if ex.resources:
                ex.finish(True)
        except BaseException as exc:  # every failure leaves as a Deluge error with a span
            if ex.resources:
                ex.finish(False)
            error = _as_error(exc)
            error.source_name = self.name
            _lend_suggestion(error, self.warnings)
            if self.page is not None:
                error.span = self.page.span(error.span)
            raise _without_frames(error) from error.__cause__
        finally:
            activate(previous)
        return Result(value, list(ex.info_lines), ex.statements, time.monotonic() - started, list(ex.client_actions),
                      ex.variables)

    async def run_async(self, inputs: Mapping[str, Any] | None = None, *, limits: Limits | None = None,
                        on_info: Callable[[str], None] | None = None) -> Result:
        """Run in a worker thread so the event loop is never blocked; cancelling the awaiting
        task cancels the run."""
        import asyncio

        ex = self.new_execution(limits=limits, on_info=on_info)
        future = asyncio.get_running_loop().run_in_executor(None, lambda: self.run(inputs, execution=ex))
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            ex.cancel()
            raise


def _arguments(inputs: Mapping[str, Any], ex: Execution, name: str) -> dict[str, Any]:
    """The run's inputs as Deluge values; a number Deluge cannot hold names its argument."""
    args: dict[str, Any] = {}
    for key, value in inputs.items():
        try:
            args[key] = from_python(value, ex.tz)
        except NumberRangeError as exc:
            raise InputError(f"argument '{key}': {exc.message}", None, name) from None
    return args


def _lend_suggestion(error: CloudburstError, warnings: tuple[Diagnostic, ...]) -> None:
    """A run that fails where the check warned of a near name (``nams`` for ``name``,
    ``lenght(`` for ``length(``) says "did you mean" too."""
    if error.span is None or "did you mean" in error.message:
        return
    from cloudburst.suggest import suggestion_in

    at = (error.span.line, error.span.column)
    hint = next((suggestion_in(w.message) for w in warnings if (w.span.line, w.span.column) == at), "")
    error.message += hint


def _without_frames(error: CloudburstError) -> CloudburstError:
    """Drop the run's frames from the error (its span already says where it failed): a
    host keeping the error must not keep every value the run built alive with it."""
    error.__traceback__ = None
    error.__context__ = None
    if error.__cause__ is not None:
        error.__cause__.__traceback__ = None
        error.__cause__.__context__ = None
    return error


def _as_error(exc: BaseException) -> CloudburstError:
    """Any failure of a run as a Cloudburst error carrying the failing expression's span."""
    try:
        return to_deluge_error(exc)
    except CloudburstError as raised:  # limit errors and cancellations come back raised
        if raised.span is None:
            raised.span = span_from_traceback(raised.__traceback__)
        return raised


class Runtime:
    """Configuration and host services shared by every script compiled from it.

    Capabilities are opt-in: ``network`` enables ``invokeurl``/``getUrl`` (optionally only
    to ``allowed_hosts``), ``connections`` names the connection link names scripts may use
    (``None``: all in the store), ``mailer`` enables ``sendmail``. ``store`` is a SQLAlchemy
    URL of the connection store, ``"default"`` for the user's own store, or None for none.
    ``forms`` is where Creator forms live (see :meth:`form_store`).
    """

    def __init__(
        self,
        *,
        store: str | None = None,
        secret_keys: Sequence[str] | None = None,
        timezone: str | None = None,
        integer_division: str = "truncate",
        system: Mapping[str, Any] | None = None,
        limits: Limits | None = None,
        network: bool = True,
        allowed_hosts: Sequence[str] | None = None,
        connections: Sequence[str] | None = None,
        mailer: Any = None,
        http_transport: Any = None,
        cache_size: int = 128,
        cache_dir: str | PathLike[str] | None = None,
        forms: Any = None,
    ) -> None:
        if integer_division not in ("truncate", "decimal"):
            raise ConfigurationError("integer_division must be 'truncate' or 'decimal'")
        if timezone is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigurationError(f"unknown time zone '{timezone}'") from None
        self.settings = Settings(timezone, integer_division, dict(system or {}))
        self.limits = limits or Limits()
        self.store_url = store
        self.secret_keys = list(secret_keys) if secret_keys is not None else None
        self.network = network
        self.allowed_hosts = tuple(allowed_hosts) if allowed_hosts is not None else None
        self.allowed_connections = None if connections is None else frozenset(connections)
        self.mailer = mailer
        self.http_transport = http_transport
        self._functions: dict[str, Callable[..., Any]] = {}
        self._function_names: dict[str, str] = {}
        self._integrations: dict[str, Callable[..., Any] | _Pending] = {}
        self._tasks: dict[str, TaskHandler] = {}
        self._cache: OrderedDict[str, Script] = OrderedDict()
        self._cache_size = cache_size
        #: Where compiled scripts are kept between processes (None: memory only).
        self.cache_dir = None if cache_dir is None else fspath(cache_dir)
        self._builtin_index: Any = None
        self._lock = allocate_lock()
        self._services: dict[str, Any] = {}
        self._forms = forms

    # -- host registrations ------------------------------------------------------------------
    def register_function(self, name: str, fn: Callable[..., Any]) -> None:
        """Make ``name(args)`` callable from scripts; ``fn`` receives and returns plain Python values."""
        self._functions[name.lower()] = fn
        self._function_names[name.lower()] = name
        self._cache.clear()

    def register_integration(self, name: str, fn: Callable[..., Any]) -> None:
        """Serve an integration task such as ``zoho.crm.getRecordById`` with ``fn``."""
        self._integrations[name.lower()] = fn
        self._cache.clear()

    def register_integrations(self, names: Iterable[str],
                              load: Callable[[], Mapping[str, Callable[..., Any]]]) -> None:
        """Serve the integration tasks ``names`` with the functions ``load()`` returns by name,
        calling it once, when a run first calls one of them: scripts that call none never
        load the modules behind them."""
        pending = _Pending(load)
        for name in names:
            self._integrations[name.lower()] = pending
        self._cache.clear()

    def register_task(self, name: str, handler: TaskHandler) -> None:
        """Serve a bracketed task (``name [ key: value ... ]``); ``handler(execution, items)``."""
        self._tasks[name.lower()] = handler

    def host_function(self, name: str) -> Callable[..., Any] | None:
        return self._functions.get(name.lower())

    def function_name(self, name: str) -> str:
        """A host function's name as registered (scripts may spell it in any case)."""
        return self._function_names.get(name.lower(), name)

    def integration(self, name: str) -> Callable[..., Any] | None:
        fn = self._integrations.get(name.lower())
        if isinstance(fn, _Pending):
            with self._lock:
                loaded = fn.functions()
                for key, value in list(self._integrations.items()):
                    if value is fn and key in loaded:
                        self._integrations[key] = loaded[key]
                    elif value is fn:
                        del self._integrations[key]
            return loaded.get(name.lower())
        return fn

    def task_handler(self, name: str) -> TaskHandler | None:
        key = name.lower()
        if key in self._tasks:
            return self._tasks[key]
        if key == "invokeurl" and self.network:
            return self._invokeurl
        if key == "sendmail" and self.mailer is not None:
            return self._sendmail
        return None

    def _invokeurl(self, ctx: Execution, items: dict[str, Any]) -> Any:
        return self.http_service().invoke(ctx, items)

    def http_service(self) -> Any:
        """The runtime's one HTTP side (``invokeurl``, ``getUrl``, ``postUrl``, Zoho tasks),
        built on first use with this runtime's access policy, transport and store."""
        if not self.network:
            raise DelugeRuntimeError("network access is disabled in this runtime")

        def build() -> Any:
            from cloudburst.http import AccessPolicy, HttpService

            policy = AccessPolicy(connections=self.allowed_connections, hosts=self.allowed_hosts)
            return HttpService(self.connections, policy=policy, transport=self.http_transport)

        return self.service("http", build)

    def connections(self, *, create: bool = False) -> Any:
        """The connection store (a ``ConnectorService``), or None when the runtime has none.

        The user's default store is made only by what saves into it (``create``): a script
        that names a connection in a fresh home makes no store or key file, and its error
        says how to create one."""
        if self.store_url is None:
            return None
        if self.store_url == "default" and not create and "connections" not in self._services:
            from cloudburst.connectors.location import default_database_path

            if not default_database_path().is_file():
                raise DelugeRuntimeError(
                    "no connection is saved yet; create one with: cloudburst connector create \"NAME\" --auth TYPE, "
                    "then: cloudburst connection create CONNECTOR \"NAME\" --link-name LINK_NAME")

        def build() -> Any:
            from cloudburst.connectors.service import ConnectorService

            url = None if self.store_url == "default" else self.store_url
            return ConnectorService(url, secret_keys=self.secret_keys)

        return self.service("connections", build)

    def form_store(self) -> Any:
        """The Creator form store scripts read and write (a ``FormStore``), or None.

        ``forms`` may be a ``FormStore``, a store URL (``"default"``: the user's store), or
        False for none; left unset, forms live in the connection ``store`` when there is one.
        """
        forms = self._forms
        if forms is False or (forms is None and self.store_url is None):
            return None
        if forms is not None and not isinstance(forms, str):
            return forms
        url = forms if forms is not None else self.store_url

        def build() -> Any:
            from cloudburst.forms.store import FormStore

            return FormStore(None if url == "default" else url)

        return self.service("forms", build)

    def _sendmail(self, ctx: Execution, items: dict[str, Any]) -> Any:
        from cloudburst.mail import send_task

        return send_task(ctx, self.mailer, items)

    # -- shared services -----------------------------------------------------------------------
    def service(self, key: str, factory: Callable[[], Any]) -> Any:
        """A lazily created, shared service (HTTP client, connection store, ...)."""
        with self._lock:
            svc = self._services.get(key)
            if svc is None:
                svc = self._services[key] = factory()
            return svc

    def close(self) -> None:
        """Close the services the runtime opened and forget its compiled scripts (each holds
        the runtime: left in place, the pair would wait for a garbage collection, which a
        long script's kept syntax tree makes slow, see cloudburst.segments)."""
        with self._lock:
            services, self._services = self._services, {}
            self._cache.clear()
        for svc in services.values():
            close = getattr(svc, "close", None)
            if callable(close):
                close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- compiling and running -------------------------------------------------------------------
    def compile(self, source: str, name: str = "<script>", *, strict: bool = False,
                inputs: Sequence[str] = (), limits: Limits | None = None, started: float | None = None) -> Script:
        """Parse, check and compile ``source``. Raises :class:`DelugeSyntaxError` or
        :class:`ResolveError`; warnings are on ``Script.warnings``. ``inputs`` names the
        variables every run will supply (they count as defined, as in a REPL session).
        Compiling is bounded by ``limits`` (default: the runtime's): source size, syntax
        nodes, and ``timeout`` counted from ``started`` (default: now); past them it raises
        a :class:`LimitError`."""
        from cloudburst.gcpause import gc_paused

        with gc_paused():  # compiling, or loading a cached script, builds only objects that stay
            return self._compile(source, name, strict, inputs, limits, started)

    def _compile(self, source: str, name: str, strict: bool, inputs: Sequence[str], limits: Limits | None,
                 started: float | None) -> Script:
        from cloudburst import __version__, script_cache

        key = script_cache.cache_key(__version__, source, name, strict, self.settings.integer_division,
                                     sorted(self._functions), sorted(self._integrations), sorted(inputs))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        entry = script_cache.load(self.cache_dir, key) if self.cache_dir is not None else None
        if entry is None:
            entry = self._compile_entry(source, name, strict, inputs, limits or self.limits, started)
            if self.cache_dir is not None:
                script_cache.store(self.cache_dir, key, entry)
        from cloudburst.compiled import Executable

        script = Script(self, name, source,
                        Executable(entry["code"], entry["helpers"], entry["constants"], entry["modules"]),
                        [Diagnostic(sev, msg, Span(*span), code) for sev, msg, span, code in entry["warnings"]],
                        tuple(Parameter(p, t) for p, t in entry["parameters"]), _page_map(entry["page"]))
        with self._lock:
            self._cache[key] = script
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return script

    def check(self, source: str, name: str = "<script>", *, strict: bool = False,
              inputs: Sequence[str] = (), limits: Limits | None = None, syntax_only: bool = False) -> list[Diagnostic]:
        """Parse and check ``source`` without generating code (what ``cloudburst check``
        does); ``syntax_only`` stops after parsing. Raises like :meth:`compile`; returns
        the warnings."""
        resolved, _, _ = self._front_end(source, name, strict, inputs, limits or self.limits,
                                         _deadline(limits or self.limits), syntax_only)
        return [] if resolved is None else list(resolved.warnings)

    def checked_tree(self, source: str, name: str = "<script>", *, strict: bool = False,
                     parse: Callable[[str, str], Any] | None = None) -> tuple[Any, list[Diagnostic]]:
        """Like :meth:`check`, but also the checked syntax tree (``nodes.Program``), for tools
        that index a script (the language server) without parsing it twice; ``parse(source,
        name)`` stands in for the parser (the language server's reuses unchanged parts)."""
        resolved, _, page = self._front_end(source, name, strict, (), self.limits, _deadline(self.limits),
                                            parse=parse)
        return (None if page is not None else resolved.program), list(resolved.warnings)

    def _builtins(self, index: Callable[[str | None], Any]) -> Any:
        """The built-in index, read once per runtime (checking many files asks for each)."""
        if self._builtin_index is None:
            self._builtin_index = index(self.cache_dir)
        return self._builtin_index

    def _front_end(self, source: str, name: str, strict: bool, inputs: Sequence[str], limits: Limits,
                   deadline: float | None, syntax_only: bool = False,
                   parse: Callable[[str, str], Any] | None = None) -> tuple[Any, tuple[Parameter, ...], PageMap | None]:
        """Parse and resolve: the part shared by :meth:`check` and :meth:`compile`. A Creator
        page is first translated into a script; positions are mapped back into the page."""
        from cloudburst.errors import LimitError
        from cloudburst.gcpause import gc_paused
        from cloudburst.pages import is_page, translate
        from cloudburst.parser import parse as parse_script
        from cloudburst.resolver import resolve
        from cloudburst.stdlib.index import builtin_index

        if limits.max_source_chars is not None and len(source) > limits.max_source_chars:
            raise LimitError(f"the script has {len(source):,} characters, more than the {limits.max_source_chars:,} "
                             "a script may have", None, name)
        page = translate(source, name) if is_page(source) else None
        if page is not None:
            source = page.script
            inputs = [*inputs, "input", *(p for _, p in page.parameters)]
        try:
            with gc_paused():
                if parse is not None and page is None:
                    program = parse(source, name)
                else:
                    program = parse_script(source, name, max_nodes=limits.max_syntax_nodes, deadline=deadline)
                if syntax_only:
                    return None, (), None if page is None else page.map
                program, parameters = _with_entry_call(program)
                resolved = resolve(program, host_functions=self._functions, strict=strict,
                                   inputs=[*inputs, *(p.name for p in parameters)], integrations=self._integrations,
                                   builtins=self._builtins(builtin_index))
        except CloudburstError as exc:
            if page is not None:
                exc.span = page.map.span(exc.span)
                diagnostics = getattr(exc, "diagnostics", None)
                if diagnostics is not None:
                    exc.diagnostics = [_moved(d, page.map) for d in diagnostics]  # type: ignore[attr-defined]
            raise _named(exc, name, limits)
        except RecursionError:  # a last line of defence: every pass caps nesting first
            raise DelugeSyntaxError("the script is nested too deeply", None, name, "L502") from None
        if page is not None:
            resolved.warnings = [_moved(w, page.map) for w in resolved.warnings]
        return resolved, parameters, None if page is None else page.map

    def _compile_entry(self, source: str, name: str, strict: bool, inputs: Sequence[str], limits: Limits,
                       started: float | None) -> dict[str, Any]:
        from cloudburst.compiler import compile_program
        from cloudburst.gcpause import gc_paused

        deadline = _deadline(limits, started)
        resolved, parameters, page = self._front_end(source, name, strict, inputs, limits, deadline)
        try:
            with gc_paused():
                executable = compile_program(resolved, name, integer_division=self.settings.integer_division,
                                             deadline=deadline, segments=self.cache_dir is None)
        except CloudburstError as exc:
            raise _named(exc, name, limits)
        except RecursionError:
            raise DelugeSyntaxError("the script is nested too deeply to compile", None, name, "L502") from None
        return {
            "code": executable.code,
            "helpers": executable.helpers,
            "constants": executable.constants,
            "modules": executable.modules,
            "warnings": [(w.severity, w.message, (w.span.line, w.span.column, w.span.end_line, w.span.end_column), w.code)
                         for w in resolved.warnings],
            "parameters": [(p.name, p.type) for p in parameters],
            "page": None if page is None else page.anchors,
        }

    def run(self, source: str, inputs: Mapping[str, Any] | None = None, *, name: str = "<script>",
            limits: Limits | None = None, on_info: Callable[[str], None] | None = None) -> Result:
        """Compile (or take from the cache) and run ``source``; ``limits.timeout`` covers both."""
        started = time.monotonic()
        script = self.compile(source, name, limits=limits, started=started)
        return script.run(inputs, limits=limits, on_info=on_info, started=started)


class _Pending:
    """Integration tasks registered by name whose functions load on first use."""

    __slots__ = ("_load", "_functions")

    def __init__(self, load: Callable[[], Mapping[str, Callable[..., Any]]]) -> None:
        self._load = load
        self._functions: dict[str, Callable[..., Any]] | None = None

    def functions(self) -> dict[str, Callable[..., Any]]:
        """The loaded functions by lower-case name (loaded once)."""
        if self._functions is None:
            self._functions = {k.lower(): v for k, v in self._load().items()}
        return self._functions


def _named(exc: CloudburstError, name: str, limits: Limits) -> CloudburstError:
    """A compile error as reported: with the script's name, a timeout with the limit's size."""
    from cloudburst.errors import TimeoutLimitError

    exc.source_name = name
    if isinstance(exc, TimeoutLimitError):
        exc.message = f"the run took longer than its {limits.timeout:g} s limit (while compiling the script)"
    return exc


def _deadline(limits: Limits, started: float | None = None) -> float | None:
    if limits.timeout is None:
        return None
    return (time.monotonic() if started is None else started) + limits.timeout


def _page_map(anchors: Any) -> PageMap | None:
    """A Creator page's position map (the pages module loads only for a page)."""
    if anchors is None:
        return None
    from cloudburst.pages import PageMap

    return PageMap(anchors)


def _moved(d: Diagnostic, page: PageMap) -> Diagnostic:
    return Diagnostic(d.severity, d.message, page.span(d.span) or d.span, d.code)


def _with_entry_call(program: n.Program) -> tuple[n.Program, tuple[Parameter, ...]]:
    """A file holding one function and no statements (a Zoho export) runs that function,
    its parameters filled from the run's inputs."""
    from cloudburst import nodes as n

    if program.body or len(program.functions) != 1:
        return program, ()
    fn = program.functions[0]
    span = Span(fn.span.line, fn.span.column, fn.span.line, fn.span.column + 1)
    call = n.Call(span, fn.name, tuple(n.Name(span, p.name) for p in fn.params))
    body: tuple[n.Stmt, ...] = (n.Return(span, call),)
    return n.Program(program.span, program.functions, body), tuple(Parameter(p.name, p.type) for p in fn.params)


_DEFAULT: Runtime | None = None
_DEFAULT_LOCK = allocate_lock()


def run(source: str, inputs: Mapping[str, Any] | None = None, **kwargs: Any) -> Result:
    """Run ``source`` once on a shared default :class:`Runtime` (no store, network on)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Runtime()
    return _DEFAULT.run(source, inputs, **kwargs)

