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


#: Overrides of the Pulumi SDK's provider methods keep the SDK's signatures.
SDK_OVERRIDES = {("host.py", "map_input_properties"), ("host.py", "construct")}
POSITIONAL_MAX = 3


def test_no_definition_takes_more_than_three_positional_arguments() -> None:
    """So no call in the package or its tests passes more than three by position (mypy --strict
    checks every call against these signatures); past three, arguments are named."""
    wide = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                positional = [a.arg for a in node.args.posonlyargs + node.args.args if a.arg not in ("self", "cls")]
                here = (str(path.relative_to(PACKAGE)), node.name)
                if len(positional) > POSITIONAL_MAX and here not in SDK_OVERRIDES:
                    wide.append(f"{here[0]}:{node.lineno} {node.name}({', '.join(positional)})")
    assert wide == []


def test_dataclasses_of_more_than_three_fields_are_keyword_only() -> None:
    positional = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            fields = [s for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
            for decorator in node.decorator_list:
                text = ast.unparse(decorator)
                if text.startswith("dataclass") and "kw_only=True" not in text and len(fields) > POSITIONAL_MAX:
                    positional.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert positional == []


def test_no_spec_is_made_without_its_constructor() -> None:
    """One constructor pattern: no `cls.__new__` or `object.__new__` shortcuts."""
    shortcuts = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in modules()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "__new__(" in line
    ]
    assert shortcuts == []
