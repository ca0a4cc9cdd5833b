"""The built-in index (cloudburst.stdlib.index): a first run compiles against it instead of
loading every stdlib module, so it must say exactly what the full registry says, and a
stdlib change must rebuild it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cloudburst import script_cache
from cloudburst.stdlib import REGISTRY
from cloudburst.stdlib import index as idx


def test_the_cached_index_says_what_the_registry_says(tmp_path: Path) -> None:
    script_cache._DERIVED.clear()
    built = idx.builtin_index(tmp_path)
    files = list(tmp_path.glob("builtins-*.bin"))
    assert len(files) == 1
    script_cache._DERIVED.clear()
    read = idx.builtin_index(tmp_path)  # from the file this time
    assert read is not built
    full = idx.index_of(REGISTRY)
    assert read.data() == full.data()
    for name in ("trim", "put", "get", "toList", "ifnull", "isNull", "leftpad", "nosuch", "zoho.currentdate"):
        for method in (True, False):
            assert read.arity(name, method) == full.arity(name, method), (name, method)
        assert read.is_function(name) == (REGISTRY.function(name) is not None)
    specs = [("method", "get"), ("function", "ifnull"), ("system", "zoho.currentdate"), ("kv", "x")]
    assert "cloudburst.stdlib.collection" in read.modules(specs)
    assert read.modules(specs) == full.modules(specs)


def test_a_changed_stdlib_file_rebuilds_the_index(tmp_path: Path) -> None:
    script_cache._DERIVED.clear()
    def fingerprint() -> str:
        return script_cache.fingerprint("builtins", os.path.dirname(idx.__file__))

    first = fingerprint()
    stdlib_file = Path(idx.__file__).with_name("maps.py")
    stat = stdlib_file.stat()
    try:
        os.utime(stdlib_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert fingerprint() != first
    finally:
        os.utime(stdlib_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert fingerprint() == first


def test_a_first_run_loads_only_the_stdlib_modules_it_uses(tmp_path: Path) -> None:
    env = dict(os.environ, CLOUDBURST_CACHE_DIR=str(tmp_path))
    code = ("import sys; from cloudburst.engine import Runtime; "
            f"rt = Runtime(network=False, cache_dir={str(tmp_path)!r}); "
            "r = rt.run('m = Map(); m.put(\"a\", \"x\".length()); info m;'); "
            "print(r.info[0], sorted(m for m in sys.modules if m.startswith('cloudburst.stdlib.')))")
    out = []
    for _ in range(2):  # the first builds the index, the second compiles against the file
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        out.append(done.stdout)
    assert out[0].startswith('{"a":1}') and out[1].startswith('{"a":1}')
    assert "cloudburst.stdlib.encoding" in out[0]  # built from the full registry
    assert "cloudburst.stdlib.encoding" not in out[1] and "cloudburst.stdlib.dates" not in out[1], out[1]
