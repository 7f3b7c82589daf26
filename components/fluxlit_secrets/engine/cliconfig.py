"""Stack-file values as the Pulumi CLI holds them: each config key is one string, and a flag says
whether that string is JSON (a map or a list) or the value itself.

Read in the SDK's `resource/config` package (v3.276): a scalar becomes its text (a YAML boolean
`true`, an integer `5`, a float in Go's JSON form `1.5` or `1e+21`, a date or timestamp in Go's
`time.Time.String()` form `2026-12-03 00:00:00 +0000 UTC`, a string itself); a map or a list
becomes JSON with the same rules inside. This is what a program receives, what typed config is
checked against, and why `pulumi config set` rewrites an unquoted `true` as `"true"`.
"""

import datetime as _dt
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any


def go_time(value: _dt.date) -> str:
    """Go's `time.Time.String()` of a YAML date or timestamp (dates and naive times are UTC)."""
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime(value.year, value.month, value.day, tzinfo=_dt.UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset() or _dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return f"{text} {zone} {'UTC' if minutes == 0 else zone}"


def go_float(value: float) -> str:
    """Go's encoding/json form of a float64: shortest digits, `e` notation outside [1e-6, 1e21)."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"unsupported value: {value!r}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    if 1e-6 <= abs(value) < 1e21:
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, _, exponent = repr(value).partition("e")  # Python writes these with an exponent
    if exponent.startswith("-0"):
        exponent = "-" + exponent[2:]  # Go's JSON encoder writes e-7, not e-07
    return f"{mantissa}e{exponent}"


#: How the CLI writes each kind of scalar (a bool is an int in Python: it is tested first).
SCALARS: tuple[tuple[type, Callable[[Any], str]], ...] = (
    (bool, lambda v: "true" if v else "false"),
    (str, str),
    (int, str),
    (float, go_float),
    (_dt.date, go_time),
    (type(None), lambda _: "null"),
)


def _scalar(value: Any) -> str | None:
    """The CLI's text of a scalar; None for a map or a list."""
    return next((render(value) for kind, render in SCALARS if isinstance(value, kind)), None)


def _plain(value: Any) -> Any:
    """A value inside a map or list, as the CLI's JSON holds it."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return json.loads(go_float(value))
    if isinstance(value, _dt.date):
        return go_time(value)
    return value


def cli_string(value: Any) -> tuple[str, bool]:
    """(text, is_object): one stack-file value as the CLI stores it and hands it to the program."""
    text = _scalar(value)
    if text is not None:
        return text, False
    return json.dumps(_plain(value), separators=(",", ":"), sort_keys=True), True
