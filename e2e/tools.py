"""Build the end-to-end tools from Go modules into a machine-local cache, and find them there.

    python3 e2e/tools.py build     # make e2e-tools: builds what is missing, prints progress and times
    python3 e2e/tools.py bin       # the folder holding every tool (fails when one is not built)
    python3 e2e/tools.py verify    # the wrapper go.mod files require exactly what tools.toml pins

Each tool of e2e/tools.toml is built in a copy of its wrapper module, into
<cache>/tools/by-tool/<name>-<digest>/; the digest covers the tool's entry, its wrapper files, the
Go version and this script's recipe, so a change rebuilds only that tool. The whole set is
hard-linked into <cache>/tools/<set digest>/{bin,share}. The cache is $FLUXLIT_SECRETS_CACHE, else
$XDG_CACHE_HOME/fluxlit-secrets, else ~/.cache/fluxlit-secrets. Only the standard library is used.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PINS = REPO / "e2e" / "tools.toml"
# Bump when the way a tool is built changes (flags, layout): every tool is rebuilt then.
RECIPE = "1"


class ToolError(Exception):
    """A tool that cannot be built or found, said in one line."""


@dataclass(frozen=True)
class Tool:
    """One entry of tools.toml."""

    name: str
    title: str
    module: str
    version: str
    dir: Path
    packages: tuple[str, ...]
    entry: dict[str, Any] = field(repr=False)

    def fill(self, text: str) -> str:
        return text.format(version=self.version, release=self.entry.get("release", self.version))

    @property
    def ldflags(self) -> list[str]:
        return [self.fill(flag) for flag in self.entry.get("ldflags", [])]


@dataclass(frozen=True)
class ToolSet:
    """The built tools: one folder of executables and one of data files (kwok's stages)."""

    root: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def share(self) -> Path:
        return self.root / "share"

    def versions(self) -> dict[str, str]:
        """What each tool's version command printed when it was built."""
        data: dict[str, str] = json.loads((self.root / "versions.json").read_text())
        return data


def cache_dir() -> Path:
    if explicit := os.environ.get("FLUXLIT_SECRETS_CACHE"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fluxlit-secrets"


def load(pins: Path = PINS) -> list[Tool]:
    """The tools of tools.toml, in build order (`dir`s are relative to the repository: pins/../..)."""
    root = pins.resolve().parent.parent
    try:
        data = tomllib.loads(pins.read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ToolError(f"{pins}: {error}") from None
    tools = []
    for name, entry in data.get("tools", {}).items():
        missing = [key for key in ("title", "module", "version", "dir", "packages") if key not in entry]
        if missing:
            raise ToolError(f"{pins}: tools.{name} lacks {', '.join(missing)}")
        tools.append(
            Tool(
                name=name,
                title=entry["title"],
                module=entry["module"],
                version=entry["version"],
                dir=root / entry["dir"],
                packages=tuple(entry["packages"]),
                entry=entry,
            )
        )
    return tools


def go_version() -> str:
    try:
        out = subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        raise ToolError("go is not on the PATH: the end-to-end tools are built with Go 1.26 or newer") from None
    return out.stdout.strip()


def tool_digest(tool: Tool, go: str) -> str:
    """What a tool's build depends on: its entry, its wrapper files, Go and this recipe."""
    h = hashlib.sha256()
    h.update(json.dumps({"entry": tool.entry, "go": go, "recipe": RECIPE}, sort_keys=True).encode())
    for path in sorted(p for p in tool.dir.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(tool.dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def set_digest(digests: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()[:16]


def digests(tools: list[Tool]) -> dict[str, str]:
    go = go_version()
    return {tool.name: tool_digest(tool, go) for tool in tools}


def installed(tools: list[Tool] | None = None) -> ToolSet:
    """The complete tool set for the current pins; ToolError when `make e2e-tools` has not built it."""
    tools = load() if tools is None else tools
    root = cache_dir() / "tools" / set_digest(digests(tools))
    if not (root / ".complete").exists():
        raise ToolError(f"the end-to-end tools are not built for the current pins ({root}): run `make e2e-tools`")
    return ToolSet(root)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """One build at a time on this machine (CI and a person may start one together)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def go_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CGO_ENABLED="0",
        GOFLAGS="-mod=readonly -buildvcs=false",
        GOWORK="off",
        GOTOOLCHAIN="local",
    )
    return env


def module_dir(module: str, version: str, cwd: Path) -> Path:
    """Where the module cache holds MODULE@VERSION (downloaded through the proxy when missing)."""
    out = subprocess.run(
        ["go", "mod", "download", "-json", f"{module}@{version}"],
        check=False,
        cwd=cwd,
        env=go_env(),
        capture_output=True,
        text=True,
    )
    try:
        info = json.loads(out.stdout)
    except json.JSONDecodeError:
        info = {"Error": (out.stderr.strip().splitlines() or ["no answer"])[0]}
    if "Error" in info or "Dir" not in info:
        raise ToolError(f"go mod download {module}@{version}: {info.get('Error', 'no module directory')}")
    return Path(info["Dir"])


def prepare_kubernetes_embeds(tool: Tool, work: Path) -> None:
    """Copy the provider module and write the two files its main embeds (as its generate.go does)."""
    source = module_dir(tool.module, tool.version, work)
    target = work / "provider"
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    cmd = target / "cmd" / "pulumi-resource-kubernetes"
    schema = json.loads((cmd / "schema.json").read_text())
    schema["version"] = tool.entry["release"]
    (cmd / "schema-embed.json").write_text(json.dumps(schema, separators=(",", ":")))
    mapping = json.loads((cmd / "terraform-mapping.json").read_text())
    (cmd / "terraform-mapping-embed.json").write_text(json.dumps(mapping, separators=(",", ":")))


PREPARE = {"pulumi-kubernetes-embeds": prepare_kubernetes_embeds}


def first_error(log: str) -> str:
    """The line of a go build log that says what went wrong first."""
    for line in log.splitlines():
        if line.strip() and not line.startswith(("go: downloading", "#")):
            return line.strip()
    return "no output"


def build_one(tool: Tool, digest: str, out: Path, log: Path) -> None:
    """Build one tool into out/ (bin/ and share/), or raise ToolError naming it and its first error."""
    work = cache_dir() / "tools" / "work" / f"{tool.name}-{digest}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(tool.dir, work)
    try:
        if prepare := tool.entry.get("prepare"):
            PREPARE[prepare](tool, work)
        (out / "bin").mkdir(parents=True)
        flags = ["-s", "-w", *tool.ldflags]
        argv = ["go", "build", "-trimpath", f"-ldflags={' '.join(flags)}"]
        if tags := tool.entry.get("tags"):
            argv.append(f"-tags={','.join(tags)}")
        if pgo := tool.entry.get("pgo"):
            argv.append(f"-pgo={pgo}")
        # One package: -o names the file; several: -o names the folder (with its trailing slash).
        target = str(out / "bin" / tool.entry["output"]) if "output" in tool.entry else f"{out / 'bin'}/"
        argv += ["-o", target, *tool.packages]
        with log.open("w") as handle:
            done = subprocess.run(argv, check=False, cwd=work, env=go_env(), stdout=handle, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            raise ToolError(
                f"building {tool.name} ({tool.module} {tool.version}) failed: {first_error(log.read_text())}"
            )
        for item in tool.entry.get("copy", []):
            source = module_dir(item["module"], item["version"], work) / item["path"]
            dest = out / item["to"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
            dest.chmod(int(item.get("mode", "644"), 8))
        for rel in tool.entry.get("share", []):
            source = module_dir(tool.module, tool.version, work) / rel
            dest = out / "share" / tool.name / Path(rel).name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
            dest.chmod(0o644)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_version(tool: Tool, bin_dir: Path) -> str:
    """Run the tool's version command; ToolError unless it reports the pinned version."""
    check = tool.entry.get("check")
    if not check:
        return ""
    argv = [str(bin_dir / check[0]), *check[1:]]
    done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=60)
    said = (done.stdout + done.stderr).strip()
    expect = tool.fill(tool.entry["expect"])
    if expect not in said:
        first = said.splitlines()[0] if said else "nothing"
        raise ToolError(f"{check[0]} reports {first!r}, expected {expect!r}")
    return said.splitlines()[0]


def seconds(value: float) -> str:
    minutes, rest = divmod(round(value), 60)
    return f"{minutes}m{rest:02d}s" if minutes else f"{value:.1f}s"


def build(tools: list[Tool] | None = None, say: Any = print) -> ToolSet:
    """Build every missing tool and link the set; a warm run only checks the digests."""
    started = time.monotonic()
    tools = load() if tools is None else tools
    verify(tools)
    wanted = digests(tools)
    root = cache_dir() / "tools"
    final = root / set_digest(wanted)
    if (final / ".complete").exists():
        say(f"e2e tools: all {len(tools)} up to date in {final} ({seconds(time.monotonic() - started)})")
        return ToolSet(final)
    with locked(root / ".lock"):
        versions: dict[str, str] = {}
        for number, tool in enumerate(tools, 1):
            out = root / "by-tool" / f"{tool.name}-{wanted[tool.name]}"
            label = f"[{number}/{len(tools)}] {tool.name} ({tool.module} {tool.version})"
            if (out / ".complete").exists():
                say(f"{label}: cached")
            else:
                say(f"{label}: building ...", flush=True)
                t0 = time.monotonic()
                partial = out.with_name(out.name + ".partial")
                shutil.rmtree(partial, ignore_errors=True)
                log = root / "logs" / f"{tool.name}.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                try:
                    build_one(tool, wanted[tool.name], partial, log)
                except BaseException:
                    shutil.rmtree(partial, ignore_errors=True)
                    raise
                shutil.rmtree(out, ignore_errors=True)
                partial.rename(out)
                (out / ".complete").touch()
                say(f"{label}: built in {seconds(time.monotonic() - t0)}", flush=True)
            versions[tool.name] = check_version(tool, out / "bin") or tool.version
        staging = final.with_name(final.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        for tool in tools:
            out = root / "by-tool" / f"{tool.name}-{wanted[tool.name]}"
            for sub in ("bin", "share"):
                for path in (out / sub).rglob("*") if (out / sub).exists() else []:
                    if path.is_file():
                        dest = staging / sub / path.relative_to(out / sub)
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        os.link(path, dest)
        (staging / "versions.json").write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n")
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
        (final / ".complete").touch()
    say(f"e2e tools: {len(tools)} tools in {final / 'bin'} ({seconds(time.monotonic() - started)} in all)")
    return ToolSet(final)


def verify(tools: list[Tool]) -> None:
    """Each wrapper go.mod requires its tool's module at the pinned version, and the stand-ins the CLI's SDK."""
    by_name = {tool.name: tool for tool in tools}
    for tool in tools:
        gomod = tool.dir / "go.mod"
        if not gomod.is_file():
            raise ToolError(f"{tool.dir}: no go.mod (tools.{tool.name}.dir)")
        data = json.loads(
            subprocess.run(
                ["go", "mod", "edit", "-json", str(gomod)], capture_output=True, text=True, check=True
            ).stdout
        )
        if data["Module"]["Path"] == tool.module:
            required = {req["Path"]: req["Version"] for req in data.get("Require") or []}
            pulumi = by_name.get("pulumi")
            for sdk in ("github.com/pulumi/pulumi/sdk/v3", "github.com/pulumi/pulumi/pkg/v3"):
                if pulumi and sdk in required and required[sdk] != pulumi.version:
                    raise ToolError(f"{gomod}: {sdk} {required[sdk]}, but tools.pulumi pins {pulumi.version}")
            continue
        required = {req["Path"]: req["Version"] for req in data.get("Require") or []}
        if required.get(tool.module) != tool.version:
            raise ToolError(
                f"{gomod} requires {tool.module} {required.get(tool.module, '(nothing)')}, "
                f"but tools.{tool.name}.version is {tool.version}: edit one to match the other"
            )


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "build"
    try:
        if command == "build":
            build()
        elif command == "bin":
            print(installed().bin)
        elif command == "verify":
            verify(load())
            print("tools.toml and the wrapper modules agree")
        else:
            print(f"usage: {argv[0]} build|bin|verify", file=sys.stderr)
            return 2
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; nothing half-built is kept", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
