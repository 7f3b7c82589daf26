"""Drive the component host the way the Pulumi engine does for a TypeScript program.

The harness serves the Engine and ResourceMonitor gRPC services (from the SDK's own proto stubs),
starts the host as the Python language host starts a plugin (`python -u components <engine>`,
port on stdout), and calls GetSchema and Construct with protobuf property values: numbers as
doubles, secrets as signature maps, unknowns as the unknown sentinel. The monitor records each
registration and answers with the package's provider mocks, so what the host creates can be
compared with what the same component creates from Python.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
)

from fluxlit_secrets.engine import sdk
from fluxlit_secrets.engine.mocks import ProviderMocks
from fluxlit_secrets.engine.monitor import RecordingMonitor, Registration

ROOT = Path(__file__).resolve().parents[2]
SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROJECT, STACK = "app", "dev"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"


def secret(value: Any) -> dict[str, Any]:
    """A value as `pulumi.secret(...)` / `config.requireSecret(...)` sends it."""
    return {SIG: SECRET_SIG, "value": value}


def struct(value: dict[str, Any]) -> struct_pb2.Struct:
    """Property values as the engine sends them (every number a double)."""
    s = struct_pb2.Struct()
    s.update(value)
    return s


class Monitor(resource_pb2_grpc.ResourceMonitorServicer):
    """The ResourceMonitor: records registrations, answers like the mocks."""

    def __init__(self, preview: bool) -> None:
        mocks = ProviderMocks()
        mocks.configure({}, preview=preview)
        self.recorder = RecordingMonitor(mocks, stack=STACK, project=PROJECT)

    def SupportsFeature(self, request, context):  # noqa: N802
        # Secrets, resource references, alias specs...; no output values (as the mocks).
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id != "outputValues")

    def GetDeploymentInfo(self, request, context):  # noqa: N802
        return self.recorder.GetDeploymentInfo(request)

    def RegisterResource(self, request, context):  # noqa: N802
        return self.recorder.RegisterResource(request)

    def RegisterResourceOutputs(self, request, context):  # noqa: N802
        return self.recorder.RegisterResourceOutputs(request)

    def Invoke(self, request, context):  # noqa: N802
        return self.recorder.Invoke(request)

    def RegisterPackage(self, request, context):  # noqa: N802
        return resource_pb2.RegisterPackageResponse(ref="harness")

    def RegisterStackTransform(self, request, context):  # noqa: N802
        return empty_pb2.Empty()

    def RegisterStackInvokeTransform(self, request, context):  # noqa: N802
        return empty_pb2.Empty()

    def RegisterResourceHook(self, request, context):  # noqa: N802
        return empty_pb2.Empty()

    def RegisterErrorHook(self, request, context):  # noqa: N802
        return empty_pb2.Empty()

    def SignalAndWaitForShutdown(self, request, context):  # noqa: N802
        return empty_pb2.Empty()


class Engine(engine_pb2_grpc.EngineServicer):
    """The Engine service: keeps log lines and the root resource."""

    def __init__(self) -> None:
        self.logs: list[tuple[int, str]] = []
        self.root = STACK_URN

    def Log(self, request, context):  # noqa: N802
        self.logs.append((request.severity, request.message))
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):  # noqa: N802
        return engine_pb2.GetRootResourceResponse(urn=self.root)

    def SetRootResource(self, request, context):  # noqa: N802
        self.root = request.urn
        return engine_pb2.SetRootResourceResponse()


@dataclass
class Constructed:
    """What one Construct did: the response (or the gRPC error), and every registration."""

    urn: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    error: grpc.RpcError | None = None
    registrations: list[Registration] = field(default_factory=list)
    logs: list[tuple[int, str]] = field(default_factory=list)
    #: Each component's registered outputs by URN (what `pulumi stack export` holds as its outputs).
    component_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_]


class Harness:
    """One running host with its engine and monitor servers."""

    def __init__(self) -> None:
        self.engine = Engine()
        self.engine_server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        engine_pb2_grpc.add_EngineServicer_to_server(self.engine, self.engine_server)
        engine_port = self.engine_server.add_insecure_port("127.0.0.1:0")
        self.engine_server.start()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-u", str(ROOT / "components"), f"127.0.0.1:{engine_port}"],
            cwd=ROOT / "components",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert self.process.stdout is not None
        port = self.process.stdout.readline().decode().strip()
        if not port.isdigit():
            raise RuntimeError(
                f"the host did not start: {self.process.stderr.read().decode() if self.process.stderr else ''}"
            )
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.provider = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def schema(self) -> dict[str, Any]:
        return json.loads(self.provider.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema)

    def construct(
        self,
        component: str,
        name: str,
        inputs: dict[str, Any],
        *,
        preview: bool = False,
        dependencies: dict[str, list[str]] | None = None,
        depends_on: list[str] | None = None,
        protect: bool = False,
    ) -> Constructed:
        monitor = Monitor(preview)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(monitor, server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        request = provider_pb2.ConstructRequest(
            project=PROJECT,
            stack=STACK,
            organization="organization",
            dryRun=preview,
            parallel=4,
            monitorEndpoint=f"127.0.0.1:{port}",
            type=f"fluxlit-secrets:index:{component}",
            name=name,
            parent=STACK_URN,
            inputs=struct(inputs),
            inputDependencies={
                k: provider_pb2.ConstructRequest.PropertyDependencies(urns=v) for k, v in (dependencies or {}).items()
            },
            dependencies=depends_on or [],
            protect=protect,
        )
        out = Constructed()
        try:
            response = self.provider.Construct(request, timeout=120)
            out.urn = response.urn
            out.state = json_format.MessageToDict(response.state)
        except grpc.RpcError as exc:
            out.error = exc
        finally:
            server.stop(0)
        out.registrations = list(monitor.recorder.registrations)
        sdk.ensure_event_loop()
        out.component_outputs = {
            urn: sdk.deserialize(raw, keep_unknowns=True) for urn, raw in monitor.recorder.component_outputs.items()
        }
        out.logs = list(self.engine.logs)
        return out

    def close(self) -> None:
        self.channel.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.engine_server.stop(0)
