"""What a production install gets: every library the application imports is locked for it,
and the lock files pin every declared dependency at a version its range allows."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", re.MULTILINE)


def locked(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {canonicalize_name(n): v for n, v in PIN.findall(text)}


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return ([Requirement(r) for r in project["dependencies"]],
            [Requirement(r) for r in project["optional-dependencies"]["test"]])


def imported_top_level_modules() -> set[str]:
    names = set()
    for path in (ROOT / "carers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"carers"}


def test_every_library_the_application_imports_is_in_the_production_lock():
    runtime = locked("main.txt")
    distributions = packages_distributions()
    missing = {}
    for module in sorted(imported_top_level_modules()):
        dists = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not dists & runtime.keys():
            missing[module] = sorted(dists)
    assert not missing, f"imported at run time but not locked for production: {missing}"


def test_the_lock_files_pin_every_declared_dependency_within_its_range():
    runtime, tests = declared()
    for lock, requirements in (("main.txt", runtime), ("test.txt", runtime + tests)):
        pins = locked(lock)
        for requirement in requirements:
            name = canonicalize_name(requirement.name)
            assert name in pins, f"{requirement.name} is not in requirements/{lock}: make lock"
            assert requirement.specifier.contains(pins[name], prereleases=True), (
                f"requirements/{lock} pins {name}=={pins[name]}, outside {requirement}: "
                "make lock")


def test_the_production_lock_has_no_test_tools():
    _, tests = declared()
    runtime = {canonicalize_name(r.name) for r in declared()[0]}
    only_tests = {canonicalize_name(r.name) for r in tests} - runtime
    assert not only_tests & locked("main.txt").keys()
