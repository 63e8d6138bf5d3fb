"""The structure a newcomer can see and keep (docs/architecture.md): no import hidden inside a
function to dodge a cycle, and no cycle between modules or between feature folders. The
layers themselves are import-linter's contracts in pyproject.toml (`make lint`)."""

import ast
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "carers"
# The factory imports every feature inside create_app, so that importing one feature never
# builds the app.
FACTORY = PACKAGE / "app.py"


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("carers")


def imports_app_code(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return bool(node.level) or (node.module or "").split(".")[0] == "carers"
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "carers" for alias in node.names)
    return False


def imports_inside_functions(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    lines = {node.lineno
             for function in ast.walk(tree)
             if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
             for node in ast.walk(function) if imports_app_code(node)}
    return [f"{path.relative_to(root).as_posix()}:{line}" for line in sorted(lines)]


def test_no_app_code_is_imported_inside_a_function_but_in_the_factory():
    hidden = [place for path in sorted(PACKAGE.rglob("*.py")) if path != FACTORY
              for place in imports_inside_functions(path)]
    assert not hidden, f"imports inside functions: {hidden}"


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    module = tmp_path / "carers" / "example.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from carers.cases import views\n")
    assert imports_inside_functions(module, tmp_path) == ["carers/example.py:2"]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def module_edges(graph) -> dict[str, set[str]]:
    # A package's own __init__ importing its modules is how Python packages work, not a
    # cycle between files; every other import counts.
    return {m: {t for t in graph.find_modules_directly_imported_by(m)
                if t.startswith("carers.") and not m.startswith(t + ".")
                and not t.startswith(m + ".")}
            for m in graph.modules if m.startswith("carers.")}


def test_no_cycle_between_files(graph):
    assert cycles(module_edges(graph)) == []


def folder(module: str) -> str:
    """A module's feature folder; a feature's rules.py belongs to the domain core instead."""
    if module.endswith(".rules"):
        return "domain core"
    return ".".join(module.split(".")[:2])


def test_no_cycle_between_feature_folders(graph):
    edges: dict[str, set[str]] = {}
    for source, targets in module_edges(graph).items():
        edges.setdefault(folder(source), set()).update(
            folder(t) for t in targets if folder(t) != folder(source))
    assert cycles(edges) == []


# Modules that hold a blueprint's routes.
VIEWS = ("views", "inbox")


def test_no_feature_imports_another_features_views(graph):
    reaching = sorted(f"{source} -> {target}"
                      for source, targets in module_edges(graph).items()
                      for target in targets
                      if target.rsplit(".", 1)[-1] in VIEWS and source != "carers.app"
                      and folder(source) != folder(target))
    assert reaching == []


def test_views_leave_transactions_to_operations():
    # A view reads its form and calls one operation; the operation commits or rolls back.
    found = [f"{path.relative_to(PACKAGE.parent).as_posix()}:{number}"
             for path in sorted(PACKAGE.rglob("*.py")) if path.stem in VIEWS
             for number, line in enumerate(path.read_text().splitlines(), start=1)
             if ".commit(" in line or ".rollback(" in line]
    assert found == []
