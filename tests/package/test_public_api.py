"""The public API is declared, and kept: what `fluxlit_secrets`, its command line, the component
host and the CrossGuard pack entry expose. Examples and the pack use only it; a test module opens
an internal layer only when its folder declares it (and says why) in its `__init__`."""

import ast
import importlib
from pathlib import Path

import pytest

import fluxlit_secrets

ROOT = Path(__file__).resolve().parents[2]
#: Module -> the names it exposes. Everything else is internal and may change in any release.
PUBLIC: dict[str, set[str]] = {
    "fluxlit_secrets": set(fluxlit_secrets.__all__),
    "fluxlit_secrets.cli": {"entry", "main"},
    "fluxlit_secrets.host": {"main"},
    "fluxlit_secrets.policy.crossguard": {"MANDATORY", "policies"},
    "fluxlit_secrets.errors": {"ConfigError", "FluxlitSecretsError"},
}
#: Where users' code lives in this repository: it may import the public API only.
USER_CODE = ["examples", "policies", "components/__main__.py"]


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every `from fluxlit_secrets... import` and `import fluxlit_secrets...` in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "fluxlit_secrets":
            found.append((str(node.module), [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, ["*"]) for a in node.names if a.name.split(".")[0] == "fluxlit_secrets"]
    return found


def is_public(module: str, names: list[str]) -> bool:
    """`from M import names` within M's API, or `import M` of a public module."""
    return module in PUBLIC and (names == ["*"] or set(names) <= PUBLIC[module])


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_each_public_module_declares_exactly_its_api(module: str) -> None:
    loaded = importlib.import_module(module)
    if hasattr(loaded, "__all__"):
        assert set(loaded.__all__) == PUBLIC[module]
    else:  # the exceptions, also exported from the top level
        assert all(hasattr(loaded, name) for name in PUBLIC[module])


def test_the_readme_shows_the_public_api() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme[readme.index("## Public API") :]
    missing = [f"{m}.{n}" for m, names in PUBLIC.items() for n in names if f"`{n}`" not in shown]
    assert missing == []


def test_user_code_imports_only_the_public_api() -> None:
    files = [
        p for entry in USER_CODE for p in ([ROOT / entry] if entry.endswith(".py") else (ROOT / entry).rglob("*.py"))
    ]
    assert len(files) >= 3
    private = [f"{p.relative_to(ROOT)}: {m} {n}" for p in files for m, n in imports(p) if not is_public(m, n)]
    assert private == []


def test_tests_open_only_the_internal_layers_their_folder_declares() -> None:
    tests = ROOT / "tests"
    undeclared = []
    for path in sorted(tests.rglob("*.py")):
        folder = path.parent
        while not (folder / "__init__.py").is_file():
            folder = folder.parent
        opens = importlib.import_module(".".join(folder.relative_to(ROOT).parts)).OPENS
        for module, names in imports(path):
            layer = module.split(".")[1] if "." in module else ""
            if not is_public(module, names) and layer not in opens:
                undeclared.append(f"{path.relative_to(ROOT)}: {module} {names}")
    assert undeclared == []
