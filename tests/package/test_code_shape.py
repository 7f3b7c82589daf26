"""The package's shape: small functions and modules, every `# type: ignore` explained."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "components" / "fluxlit_secrets"
FUNCTION_MAX = 60
MODULE_MAX = 400


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules_to_measure() -> None:
    assert len(modules()) > 40


def test_no_function_is_longer_than_60_lines() -> None:
    long = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_MAX:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []


def test_no_module_has_more_than_400_non_blank_lines() -> None:
    big = []
    for path in modules():
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if len(lines) > MODULE_MAX:
            big.append(f"{path.relative_to(PACKAGE)} ({len(lines)} lines)")
    assert big == []


def test_every_type_ignore_names_the_sdk_gap_it_works_around() -> None:
    bare = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in modules()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "# type: ignore" in line and "SDK gap" not in line
    ]
    assert bare == []


def test_component_modules_do_not_postpone_annotations() -> None:
    """`from __future__ import annotations` hides the Args types from Pulumi's schema analyzer."""
    folder = PACKAGE / "components"
    assert [p.name for p in folder.glob("*.py") if "from __future__ import annotations" in p.read_text()] == []
