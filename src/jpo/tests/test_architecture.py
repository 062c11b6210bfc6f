"""The house as ARCHITECTURE.md describes it: every import goes down the order of the apps, and only into
another app's public modules; no import cycle between modules (lazy imports inside functions count).

Tests are exempt (a test may build data of any app); migrations too (Django writes them).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # src/jpo

# Lowest first. An app may import its own layer's cross-cutting modules and any app of a lower layer;
# apps of the same layer never import each other unless listed in SAME_LAYER.
LAYERS: list[set[str]] = [
    {"policy"},
    {"safety"},
    {"core"},
    {"leases", "outbox"},
    {"accounts"},
    {"programme"},
    {"applications"},
    {"selection", "placement"},
    {"workforce", "representation", "desk"},
    {"projections"},
    {"web", "demo"},
]
# The composition root: top-level modules of the package that wire the apps together.
ROOT_MODULES = {"urls", "api", "settings", "wsgi", "cli", "conftest", "testenv"}

# Modules of an app that other apps may import. Everything else of an app is private to it.
PUBLIC_EVERYWHERE = {"models", "selectors", "services", "interface"}
PUBLIC: dict[str, set[str]] = {
    "core": {"*"},  # a toolbox: every module is public
    "policy": {"*"},  # the rules core, pure Python: every module is public
    "leases": {"*"},
    "safety": {"*"},  # a toolbox of input and output guards
    "accounts": {"access", "forms", "invitations", "links", "throttle"},
    "applications": {"workflow", "windows", "schemas"},
    "programme": {"labels", "rules", "vocabulary", "windows"},
    "workforce": {"reference"},
}

# Imports that go against the order: (importing file, imported app) and the reason it stays. Keep this
# list short; each entry is a debt, to be paid by moving the code to the app that may import both.
ALLOWED: dict[tuple[str, str], str] = {}


def _app_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).parts
        if "tests" in rel or "migrations" in rel or path.name == "conftest.py":
            continue
        yield path


def _imports(path: Path) -> Iterator[str]:
    """Every jpo module named by an import anywhere in the file (top level or inside a function)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            # `from jpo.x import y` may name a module y or a name in x: try the module first.
            for alias in node.names:
                yield f"{module}.{alias.name}"


def _layer(app: str) -> int:
    for index, layer in enumerate(LAYERS):
        if app in layer:
            return index
    raise AssertionError(f"{app} is in no layer of LAYERS: add it (and to ARCHITECTURE.md)")


def _existing(dotted: str) -> str | None:
    """The longest prefix of `dotted` that is a module of the jpo package, or None."""
    parts = dotted.split(".")
    while parts and parts[0] == "jpo":
        path = ROOT.parent.joinpath(*parts)
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return None


def _edges() -> Iterator[tuple[str, str, str]]:
    """(importing module, imported module, importing file)."""
    for path in _sources():
        source = _module_name(path)
        for name in _imports(path):
            if name.startswith("jpo.") and (target := _existing(name)) is not None and target != source:
                yield source, target, str(path.relative_to(ROOT))


def test_every_app_is_in_a_layer() -> None:
    apps = {_app_of(p) for p in _sources()} - ROOT_MODULES - {"__init__"}
    for app in apps:
        _layer(app)


def test_imports_go_down_the_order_and_only_into_public_modules() -> None:
    wrong = []
    used: set[tuple[str, str]] = set()
    for source, target, file in _edges():
        src_app, dst_app = source.split(".")[1], target.split(".")[1]
        if src_app == dst_app or src_app in ROOT_MODULES or dst_app == "__init__":
            continue
        if (file, dst_app) in ALLOWED:
            used.add((file, dst_app))
            continue
        if dst_app in ROOT_MODULES:
            wrong.append(f"{file}: imports {target}, the composition root")
        elif _layer(dst_app) >= _layer(src_app):
            wrong.append(f"{file}: imports {target} ({dst_app} is not below {src_app})")
        else:
            parts = target.split(".")
            allowed = PUBLIC_EVERYWHERE | PUBLIC.get(dst_app, set())
            is_package_root = len(parts) == 2
            if not (is_package_root or "*" in allowed or parts[2] in allowed):
                wrong.append(f"{file}: imports {target}, private to {dst_app}")
    assert not wrong, "imports against ARCHITECTURE.md:\n" + "\n".join(sorted(set(wrong)))
    assert not set(ALLOWED) - used, f"ALLOWED entries no longer needed (remove them): {set(ALLOWED) - used}"


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for source, target, _file in _edges():
        graph.setdefault(source, set()).add(target)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_selectors_return_data_not_pages() -> None:
    """A selector raises `jpo.core.errors.NotFound` (views and the API map it once), never Django's Http404,
    and builds no HTML (templates and template tags do)."""
    wrong = []
    for path in _sources():
        rel = path.relative_to(ROOT).parts
        if "selectors" not in rel and path.stem != "selectors":
            continue
        for name in _raw_imports(path):
            if name in {
                "django.http.Http404",
                "django.utils.safestring.mark_safe",
                "django.utils.html.format_html",
            }:
                wrong.append(f"{path.relative_to(ROOT)}: {name}")
    assert not wrong, "selectors that answer like views:\n" + "\n".join(wrong)


def _raw_imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
