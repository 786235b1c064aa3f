"""Stage 5, write: put the rendered site in place all at once.

The new site is written to a temporary folder beside the output and swapped
in only when complete, so a failed or interrupted build leaves the site that
is already published exactly as it was, and leaves no temporary folder behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_site(out: Path, files: Iterable[tuple[str, bytes | Path]]) -> None:
    """Write `files` (output path → bytes, or a file to copy) as the new content of `out`."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        for relative, content in files:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_bytes(content)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging`; the old tree is moved aside first, then removed."""
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read it
    if not out.exists():
        staging.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
