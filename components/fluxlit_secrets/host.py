"""The multi-language component host: TypeScript, Go, C#, Java and YAML programs construct the
components through it (`pulumi package add`), over the provider protocol.

What reaches `Construct` is decoded leaf by leaf: a secret or unknown value nested in a map stays
an Output (secret, or unknown in a preview) exactly where it was sent, and the structure around it
stays plain, so the model reads kinds, generations and consumers while values stay secret. A
config mistake comes back as one input-property error naming the arg path (camelCase, as the
caller wrote it), never a Python traceback. The schema is the one the SDK infers from the type
annotations, with closed sets (topology, store, kind, source, delivery, ...) made enums.
"""

import asyncio
import math
import sys
from collections.abc import Iterator, Mapping
from typing import Any, Optional

import pulumi
from pulumi.errors import InputPropertiesError
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.resource import DependencyResource

from fluxlit_secrets import COMPONENTS
from fluxlit_secrets.engine import sdk
from fluxlit_secrets.errors import ConfigError, FluxlitSecretsError, one_line
from fluxlit_secrets.model.labels import PACKAGE
from fluxlit_secrets.model.masking import mask, remember
from fluxlit_secrets.model.shape import camel
from fluxlit_secrets.schema import enrich_schema
from fluxlit_secrets.version import VERSION


def _resolved(value: Any) -> "asyncio.Future[Any]":
    future: asyncio.Future[Any] = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future


def _output(value: Any, *, known: bool, secret: bool, deps: set[str]) -> pulumi.Output[Any]:
    resources: set[pulumi.Resource] = {DependencyResource(urn) for urn in deps}
    return pulumi.Output(resources, _resolved(value), _resolved(known), _resolved(secret))


def decode_value(value: Any, deps: set[str], *, secret: bool = False) -> Any:
    """One wire value as the components take it: maps and lists stay plain; a secret, unknown or
    output value becomes an Output at that leaf; a secret map makes every leaf inside it secret."""
    if isinstance(value, dict) and value.get(sdk.SECRET_SIG_KEY) in (sdk.SECRET_SIG, sdk.OUTPUT_SIG):
        return _decode_signed(value, deps, secret)
    if isinstance(value, dict):
        return {k: decode_value(v, deps, secret=secret) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v, deps, secret=secret) for v in value]
    unknown = isinstance(value, str) and value == sdk.UNKNOWN
    if secret and not unknown:
        remember([value])  # masked in every property error this host returns
    if unknown or secret:
        return _output(None if unknown else value, known=not unknown, secret=secret, deps=deps)
    return value


def _decode_signed(value: dict[str, Any], deps: set[str], secret: bool) -> Any:
    """A secret value, or an output value (with its own secretness and dependencies)."""
    if value[sdk.SECRET_SIG_KEY] == sdk.SECRET_SIG:
        return decode_value(value.get("value"), deps, secret=True)
    inner_secret = secret or bool(value.get("secret"))
    inner_deps = deps | set(value.get("dependencies") or [])
    if "value" not in value:
        return _output(None, known=False, secret=inner_secret, deps=inner_deps)
    return decode_value(value["value"], inner_deps, secret=inner_secret)


async def decode_inputs(struct: Any, deps: Mapping[str, set[str]]) -> dict[str, Any]:
    """Construct's inputs (a protobuf Struct) decoded leaf by leaf (see `decode_value`)."""
    raw = sdk.struct_to_json(struct)
    return {key: decode_value(value, set(deps.get(key, set()))) for key, value in raw.items()}


def wire_path(key: str) -> str:
    """An arg path as a caller in another language wrote it: `deployments.gatewayReplicas`."""
    return ".".join(camel(part) if "_" in part and part.islower() else part for part in key.split("."))


class FluxlitProvider(ComponentProvider):
    """The SDK's component provider over the package's components, with enums in its schema and
    config mistakes returned as input-property errors."""

    def __init__(self, version: str = "") -> None:
        super().__init__(COMPONENTS, PACKAGE, None, version or VERSION)
        self.schema = enrich_schema(self.schema or "{}")

    def map_input_properties(
        self, inputs: Any, properties: dict[str, Any], mapping: dict[str, str], component_name: str, property_path: str
    ) -> Any:
        """The SDK's camelCase -> snake_case mapping, numbers passed as sent (the model checks them)."""
        relaxed = sdk.numbers_as_sent(properties)
        return super().map_input_properties(inputs, relaxed, mapping, component_name, property_path)

    def construct(self, name: str, resource_type: str, inputs: Any, options: Optional[Any] = None) -> Any:
        """Construct one component; a config mistake is one property error (no traceback)."""
        for path, value in _numbers(inputs, ""):
            if not math.isfinite(value):
                reason = f"{value} is not a finite number; send a whole or decimal number"
                raise InputPropertiesError(
                    f'{resource_type.rsplit(":", 1)[-1]} "{name}": {path}: {reason}',
                    [{"property_path": path, "reason": reason}],
                )
        try:
            return super().construct(name, resource_type, inputs, options)
        except Exception as exc:
            inner = getattr(exc, "inner", exc)
            if isinstance(inner, ConfigError):
                path, reason = wire_path(inner.key), mask(one_line(f"{inner.problem}; {inner.fix}"))
                # The status text says it in one line too, for callers that show only that.
                where = mask(f"{inner.where}: ") if inner.where else ""
                raise InputPropertiesError(
                    f"{where}{path}: {reason}", [{"property_path": path, "reason": reason}]
                ) from None
            if isinstance(inner, FluxlitSecretsError):
                raise InputPropertiesError(mask(one_line(str(inner)))) from None
            raise


def _numbers(value: Any, path: str) -> Iterator[tuple[str, float]]:
    """(arg path, number) of every plain float sent, however deep (secret leaves are Outputs)."""
    if isinstance(value, float):
        yield path, value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _numbers(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _numbers(inner, f"{path}[{n}]")


def main(args: Optional[list[str]] = None) -> None:
    """Serve the components to the Pulumi engine (the plugin's entry point)."""
    sdk.serve_provider(FluxlitProvider(), sys.argv[1:] if args is None else args, decode_inputs)


#: The public API of this module: the plugin's entry point (`components/__main__.py`).
__all__ = ["main"]
