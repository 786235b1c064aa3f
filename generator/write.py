"""Stage 5, write: put the rendered site in place all at once.

The new site is written to a temporary folder beside the output and swapped
in only when complete, so a failed or interrupted build leaves the site that
is already published exactly as it was, and leaves no temporary folder behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

MARKER = ".xxgk-site"
"""Left in every built site: only a folder that has it may be replaced by a build."""


class OutputError(Exception):
    """The output folder cannot be used; the message says why, in Chinese."""


def check_output(out: Path) -> None:
    """Refuse to replace a folder that holds something other than an xxgk site."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"输出位置 {out} 是一个文件，不是文件夹")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(f"输出文件夹 {out} 不是空的，也不是 xxgk 生成的站点：为免误删其中的文件，未做任何更改。请换一个输出文件夹")


def write_site(out: Path, files: Iterable[tuple[str, bytes | Path]], finish: Callable[[Path], None] | None = None) -> int:
    """Write `files` (output path → bytes, or a file to copy) as the new content of `out`;
    return how many were written. `files` may be a generator: each is written as it comes.

    `finish`, if given, runs on the complete new tree before it replaces `out`
    (the search index is written this way), so it is part of the same swap.
    """
    out = out.absolute()
    check_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    written = 0
    try:
        for relative, content in files:
            written += 1
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_bytes(content)
        if finish is not None:
            finish(staging)
        (staging / MARKER).write_text("This folder is built by xxgk and replaced on every build.\n", encoding="utf-8")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


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
