"""Writing files as an operator needs it: a stack file replaced atomically under an exclusive lock
(a killed run leaves the old file or the new one), synth outputs moved into place only when
complete, never through a symbolic link, every problem one line that names the path. A
termination that arrives during a write waits for the write to end (`when_uninterrupted`), and
the lock leaves no file behind."""

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from fluxlit_secrets.engine.yamlfile import FileError, os_problem
from fluxlit_secrets.model.masking import mask

#: How long a rotation waits for another one on the same stack file.
LOCK_WAIT_SECONDS = 30.0

#: Sections a termination must not cut (a write in progress), and what waits for their end.
_HELD = [0]
_DEFERRED: list[Callable[[], None]] = []


@contextlib.contextmanager
def uninterruptible() -> Iterator[None]:
    """A write in progress: an action given to `when_uninterrupted` meanwhile runs when it ends."""
    _HELD[0] += 1
    try:
        yield
    finally:
        _HELD[0] -= 1
        if not _HELD[0] and _DEFERRED:
            _DEFERRED.pop()()


def when_uninterrupted(action: Callable[[], None]) -> None:
    """Run `action` now, or once the write in progress is complete (a signal handler's exit)."""
    if _HELD[0]:
        _DEFERRED.append(action)
    else:
        action()


@contextlib.contextmanager
def exclusive(path: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock for the stack file `path`: on the folder that holds it, so that no
    lock file is left beside it (a rotation of another stack there waits too, a moment)."""
    try:
        fd = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise FileError(os_problem(path.parent, exc, "locked")) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise FileError(
                        f"{path}: another rotation holds it for more than {wait:.0f} s; try again when it is done"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def check_writable(path: Path) -> None:
    """Refuse to replace a stack file that is a symbolic link or read-only."""
    if path.is_symlink():
        raise FileError(f"{path}: is a symbolic link; rotate edits the file itself, point the stack at the real file")
    if not os.stat(path).st_mode & 0o222 or not os.access(path, os.W_OK):
        # A file without write bits is read-only on purpose, even for root (who could write it).
        raise FileError(f"{path}: is read-only; make it writable (chmod u+w) to rotate, or use --dry-run")


def replace_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, fsync it, rename it over `path` (keeping its
    mode), and fsync the folder: any interruption leaves the old file or the new one."""
    mode = os.stat(path).st_mode & 0o7777
    with uninterruptible():
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as exc:
            raise FileError(os_problem(path.parent, exc, "written")) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except OSError as exc:
            raise FileError(os_problem(path, exc, "written")) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


OUTPUTS = ("resources.json", "outputs.json", "manifests.yaml", "report.md")


def prepare_out(out: Path) -> None:
    """Check `--out` and remove a previous run's outputs, so a refused run leaves none behind."""
    if out.is_symlink():
        raise FileError(f"{out}: is a symbolic link; synth writes a real folder, remove it or choose another --out")
    if out.exists() and not out.is_dir():
        raise FileError(f"{out}: is a file, not a folder; choose another --out")
    if out.is_dir() and (not os.stat(out).st_mode & 0o222 or not os.access(out, os.W_OK)):
        raise FileError(f"{out}: is read-only; make it writable (chmod u+w) or choose another --out")
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise FileError(f"{parent}: is a file where --out needs a folder; choose another --out")
    for name in OUTPUTS:
        old = out / name
        if old.is_dir() and not old.is_symlink():
            raise FileError(f"{old}: is a folder where synth writes a file; remove it")
        try:
            old.unlink(missing_ok=True)
        except OSError as exc:
            raise FileError(os_problem(old, exc, "removed")) from None


def write_outputs(out: Path, files: Mapping[str, str]) -> None:
    """Write every file into a fresh folder beside `out`, then move them in: never a partial set;
    every secret value the run has seen is masked in them."""
    with uninterruptible():
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.tmp-"))
        except OSError as exc:
            raise FileError(os_problem(out.parent, exc, "written")) from None
        try:
            for name, text in files.items():
                (staging / name).write_text(mask(text), encoding="utf-8")
            if out.is_symlink():
                raise FileError(f"{out}: became a symbolic link during the run; nothing was written")
            out.mkdir(exist_ok=True)
            for name in files:
                os.replace(staging / name, out / name)
        except OSError as exc:
            raise FileError(os_problem(out, exc, "written")) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
