"""The house has floors: a package imports only packages below it, so no two packages import each other.

The check reads every `import` of src/candidatex (lazy ones inside functions too: those are how a circle hides) and
fails naming the files of any circle between top-level packages, or any import of a domain from the ground floor.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "candidatex"
GROUND = {"config", "core", "embeddings"}  # everything may use these; they use no domain
# Left as they are, on purpose and only these: résumés, jobs and ranking still call each other directly (a parsed
# résumé marks its applications for re-ranking, a job reads résumé keywords, the job's page serves its ranking).
# Splitting them needs domain events of their own; imports between these three are not counted, any other are.
HIRING = {"jobs", "matching", "resumes"}


def _imports() -> dict[str, dict[str, list[str]]]:
    """package -> imported package -> the `file:line` places that import it."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC)
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
                if target and target != package and not {package, target} <= HIRING:
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
