"""Stack-file values become the strings the Pulumi CLI hands a program, and are type-checked on them."""

import datetime as dt

import pytest

from fluxlit_secrets.engine.cliconfig import cli_string, go_float, go_time
from fluxlit_secrets.engine.typedconfig import Declared, TypedConfigError, check_stack
from fluxlit_secrets.model.secrets import CLI_DATE


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (5, "5"),
        (1.0, "1"),
        (1.5, "1.5"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        ("x: y", "x: y"),
        (dt.date(2026, 12, 3), "2026-12-03 00:00:00 +0000 UTC"),
        (
            dt.datetime(2026, 12, 3, 10, 0, 0, 500000, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "2026-12-03 10:00:00.5 +0200 +0200",
        ),
    ],
)
def test_a_scalar_is_its_cli_text(value: object, text: str) -> None:
    assert cli_string(value) == (text, False)


def test_a_map_is_json_with_the_same_rules_inside() -> None:
    value = {"jwt": {"generation": 2, "rotatedAt": dt.date(2026, 12, 3), "ratio": 2.0}}
    text, is_object = cli_string(value)
    assert is_object
    # What `pulumi preview` handed the program for an unquoted date in the secrets map (seen under v3.276).
    assert text == '{"jwt":{"generation":2,"ratio":2,"rotatedAt":"2026-12-03 00:00:00 +0000 UTC"}}'
    assert CLI_DATE.fullmatch(go_time(dt.date(2026, 12, 3)))


def test_floats_take_go_json_form() -> None:
    assert [go_float(v) for v in (1e16, 1e-6, 123456789.125, -0.0)] == [
        "10000000000000000",
        "0.000001",
        "123456789.125",
        "-0",
    ]


def declared(typ: str, items: str | None = None) -> list[Declared]:
    return [
        Declared(
            key="fluxlit-secrets:k", full="fluxlit-secrets:k", type=typ, items=items, has_default=False, default=None
        )
    ]


@pytest.mark.parametrize(
    ("typ", "value"),
    [
        ("boolean", True),
        ("boolean", "true"),  # what `pulumi config set` writes back for an unquoted true
        ("integer", 5),
        ("integer", "5"),
        ("integer", "-12"),
        ("string", 123),  # a scalar is its text
        ("string", True),
        ("object", {"a": 1}),
        ("array", ["a", "b"]),
    ],
)
def test_the_cli_accepts(typ: str, value: object) -> None:
    items = "string" if typ == "array" else None
    check_stack("dev", declared(typ, items), {"fluxlit-secrets:k": cli_string(value)}, secure=set())


@pytest.mark.parametrize(
    ("typ", "value"),
    [
        ("boolean", "yes"),
        ("boolean", "True"),
        ("boolean", 1),
        ("integer", "5.0"),
        ("integer", 1.5),
        ("integer", " 5"),
        ("string", {"a": 1}),
        ("object", "a"),
        ("array", "a"),
    ],
)
def test_the_cli_refuses(typ: str, value: object) -> None:
    items = "string" if typ == "array" else None
    with pytest.raises(TypedConfigError, match="must be of type"):
        check_stack("dev", declared(typ, items), {"fluxlit-secrets:k": cli_string(value)}, secure=set())
