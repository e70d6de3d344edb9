"""The house has floors: a package imports only packages below it, so no two packages import each other.

The check reads every `import` of src/candidatex (lazy ones inside functions too: those are how a circle hides) and
fails naming the files of any circle between top-level packages, any import of a domain from the ground floor, or
any import up the hiring floors (résumés <- jobs <- matching: a lower one announces its changes on the hiring bus
and gets what it needs from above as a callable, background.build_domain).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "candidatex"
GROUND = {"config", "core", "embeddings"}  # everything may use these; they use no domain
HIRING_FLOORS = ("resumes", "jobs", "matching")  # lowest first: each may import those before it, never after


def _imports(src: Path = SRC) -> dict[str, dict[str, list[str]]]:
    """package -> imported package -> the `file:line` places that import it."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in src.rglob("*.py"):
        relative = path.relative_to(src)
        package = relative.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                target = parts[1] if parts[0] == "candidatex" and len(parts) > 1 else None
                if target and target != package:
                    found[package][target].append(f"{relative}:{node.lineno}")
    return found


def _circle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, {})):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_two_packages_import_each_other() -> None:
    graph = _imports()
    circle = _circle(graph)
    if circle:
        steps = [f"{a} -> {b}: {', '.join(graph[a][b][:3])}" for a, b in zip(circle, circle[1:], strict=False)]
        raise AssertionError("packages in a circle:\n  " + "\n  ".join(steps))


def test_the_ground_floor_imports_no_domain() -> None:
    graph = _imports()
    upward = {f"{low} -> {high}": places for low in GROUND for high, places in graph.get(low, {}).items()
              if high not in GROUND}
    assert not upward, upward


def _up_the_floors(graph: dict[str, dict[str, list[str]]], floors: tuple[str, ...]) -> dict[str, list[str]]:
    return {f"{low} -> {high}": graph[low][high] for i, low in enumerate(floors) for high in floors[i + 1:]
            if high in graph.get(low, {})}


def test_the_hiring_floors_import_only_downwards() -> None:
    upward = _up_the_floors(_imports(), HIRING_FLOORS)
    assert not upward, upward


def test_an_import_up_the_hiring_floors_is_caught(tmp_path: Path) -> None:
    """The check itself: a résumé module that reached up for a ranking helper would fail the house, lazily too."""
    (tmp_path / "resumes").mkdir()
    (tmp_path / "jobs").mkdir()
    (tmp_path / "resumes" / "service.py").write_text(
        "def parsed():\n    from candidatex.matching.models import bump_ranking_inputs\n")
    (tmp_path / "jobs" / "service.py").write_text("from candidatex.resumes.models import Resume\n")
    graph = _imports(tmp_path)
    assert _up_the_floors(graph, HIRING_FLOORS) == {"resumes -> matching": ["resumes/service.py:2"]}
