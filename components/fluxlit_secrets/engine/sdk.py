"""Every Pulumi SDK internal the offline engine relies on, in one place, each with why.

The engine runs programs the way the Python language host does, against a mock resource monitor.
Nothing here is public API; `tests/engine` runs on the oldest and the newest supported SDK (CI).
"""

import json
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

import pulumi

# Internal wire format: deserializing a registration's properties, the unknown sentinel, and the
# secret signature pair (rpc.py); the mocks answer with them as a provider would.
from pulumi.runtime import rpc

# Internal: the root Stack resource is a context variable; each run starts a new stack.
from pulumi.runtime import settings as _settings

# Internal: the language host's entry point, which creates the pulumi:pulumi:Stack resource,
# runs the program inside it and registers its exports as the stack's outputs.
from pulumi.runtime.stack import run_in_stack

# Internal: runs a coroutine to completion on the current event loop, as `pulumi.run` does.
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

UNKNOWN: str = rpc.UNKNOWN
SECRET_SIG_KEY: str = rpc._special_sig_key
SECRET_SIG: str = rpc._special_secret_sig


def new_root() -> None:
    """Forget the previous run's root Stack, so the next run registers its own."""
    _settings.ROOT.set(None)


def run_in_new_stack(program: Callable[[], None]) -> None:
    """Run `program` inside a new Stack resource and wait for every registration and output."""
    awaitable: Awaitable[None] = run_in_stack(program)
    _sync_await(awaitable)


def ensure_event_loop() -> None:
    """The mock monitor runs on worker threads; deserializing resource references needs a loop there."""
    _ensure_event_loop()  # type: ignore[no-untyped-call]  # SDK gap: untyped helper


def deserialize(struct: Any, *, keep_unknowns: bool) -> dict[str, Any]:
    """A registration's properties as Python values (secrets keep their signature wrapper)."""
    value: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=keep_unknowns)
    return value


@contextmanager
def language_host_config(values: Mapping[str, str], secret_keys: list[str]) -> Iterator[None]:
    """The config as the Python language host hands it over: PULUMI_CONFIG and its secret keys, so a
    program that lists config keys (`pulumi.runtime.get_config_env()`) sees them as under `pulumi up`."""
    saved = {k: os.environ.get(k) for k in ("PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS")}
    os.environ["PULUMI_CONFIG"] = json.dumps(dict(values))
    os.environ["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(secret_keys))
    pulumi.runtime.set_all_config(dict(values), list(secret_keys))
    try:
        yield
    finally:
        pulumi.runtime.set_all_config({}, [])
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


# -- the component host (fluxlit_secrets.host) ------------------------------------------------------
#: Internal wire format: an output value inside a map (engines that accept output values send them).
OUTPUT_SIG: str = rpc._special_output_value_sig

InputDecoder = Callable[[Any, Mapping[str, set[str]]], Awaitable[dict[str, Any]]]


def serve_provider(provider: Any, args: list[str], decode: InputDecoder) -> None:
    """Serve `provider` as the Python SDK's provider host does (`pulumi.provider.main`), except that
    Construct's inputs are decoded by `decode(struct, deps by key)` instead of the SDK's
    deserializer, which hoists a nested secret up to the whole top-level input."""
    import argparse
    import asyncio
    import sys

    import grpc  # type: ignore[import-untyped]  # SDK gap: grpcio has no stubs

    # Internal: the servicer that implements Construct over a Provider, and its gRPC options.
    from pulumi.provider.server import ProviderServicer
    from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
    from pulumi.runtime.proto import provider_pb2_grpc

    class Servicer(ProviderServicer):
        @staticmethod
        async def _construct_inputs(inputs: Any, input_dependencies: Any) -> dict[str, Any]:
            deps = {key: set(value.urns) for key, value in input_dependencies.items()}
            return await decode(inputs, deps)

    parser = argparse.ArgumentParser(description="fluxlit-secrets component host (gRPC provider)")
    parser.add_argument("engine", help="Pulumi engine address")
    engine = parser.parse_known_args(args)[0].engine

    async def serve() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(
            Servicer(provider, args, engine_address=engine), server
        )
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await server.wait_for_termination()

    with suppress(KeyboardInterrupt):
        asyncio.run(serve())


def struct_to_json(struct: Any) -> dict[str, Any]:
    """A protobuf Struct as plain values (numbers as floats), the wire's signature maps kept as they
    are; NaN and infinities kept too (protobuf's JSON mapping raises on them; the caller names the
    property instead)."""
    return {key: _value(v) for key, v in struct.fields.items()}


def _value(value: Any) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        return struct_to_json(value.struct_value)
    if kind == "list_value":
        return [_value(v) for v in value.list_value.values]
    if kind in (None, "null_value"):
        return None
    return getattr(value, kind)


def numbers_as_sent(properties: dict[str, Any]) -> dict[str, Any]:
    """Schema property definitions with integers typed as numbers: the SDK's input mapping would
    truncate 2.5 to 2 (and fail on an unknown) where the components' own check names the arg."""
    from dataclasses import replace

    # Internal: the analyzer's property definitions and their types.
    from pulumi.provider.experimental.analyzer import PropertyType

    return {
        name: replace(prop, type=PropertyType.NUMBER) if prop.type == PropertyType.INTEGER else prop
        for name, prop in properties.items()
    }
