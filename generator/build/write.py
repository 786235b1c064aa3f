"""Stage 5, write: put the rendered site in place all at once.

The published site is never written into. The new site is made in a second
folder beside it and swapped in only when complete, so a failed or
interrupted build leaves the site that is published exactly as it was.

That second folder is kept: after a swap, the site that was published becomes
`.<name>-previous`, and the next build brings it up to date in place, touching
only the files that differ, instead of making some ten thousand folders anew
(a folder costs 0.1 ms to make and as much to delete on a journalled disk, a
second per 10,000 reports each way). Every file of the site is a hard link to
a file of the build cache (a copy where links cannot be made), named by the hash
of its bytes: "differs" is a comparison of those hashes, recorded for each tree,
or, for a tree without a record, of inode numbers with the cache's files.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import tempfile
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from ..files import link_or_copy

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


def previous_folder(out: Path) -> Path:
    """Where the site published before the current one is kept, to be updated next time."""
    return out.parent / f".{out.name}-previous"


def write_site(
    out: Path,
    files: Mapping[str, tuple[str, str]],
    finish: Callable[[Path], None] | None = None,
    stamp: str = "",
    apart: tuple[str, ...] = (),
    ledger: Path | None = None,
    later: Collection[str] = (),
    ready: Callable[[], None] | None = None,
) -> int:
    """Make `out` hold exactly `files` (output path → stored file to link, and the hash of its bytes); return
    how many files had to be linked anew (the rest were already in place).

    `finish`, if given, runs on the complete new tree before it replaces `out`
    (the search index is written this way), so it is part of the same swap.
    `stamp` is kept in the marker file: what the site was built from (see `stamp`).
    `apart` names top-level folders that `finish` updates itself (the search index):
    they are left alone here, where any other file not in `files` is deleted.
    `ledger`, if given, is a folder where the file list of each tree is kept, so the
    next update of the kept tree need not list its hundred thousand folders again.
    `later` names files of `files` that are still being stored (the data downloads): they
    are linked last, once `ready` has returned, so that storing them and linking the
    rest of the site take place at the same time.
    """
    out = out.absolute()
    _recover(out)
    check_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    spare = previous_folder(out)
    if spare.is_dir() and (spare / MARKER).is_file():
        tree = spare
    else:
        if spare.exists():
            raise OutputError(f"{spare} 已存在，但不是 xxgk 留下的上一版站点：请移走或删除它后重试")
        tree = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        if tree == spare:
            present = _take_record(ledger, tree, apart) or list_tree(tree, apart)
        else:
            present = ({}, {""})  # a new, empty folder
        linked = _update(tree, files, present, later, ready)
        if finish is not None:
            finish(tree)
        (tree / MARKER).write_text(f"This folder is built by xxgk and replaced on every build.\n{stamp}\n", encoding="utf-8")
        _swap(tree, out, spare)
    except BaseException:
        if tree != spare:
            shutil.rmtree(tree, ignore_errors=True)
        raise
    if ledger is not None:
        _keep_record(ledger, out, files, apart, spare)
    return linked


Listing = tuple[dict[str, str], set[str]] | tuple[dict[str, int], set[str]]
"""A tree's files and folders (relative paths, "" for the tree itself): each file with the
hash of its bytes, from the record kept when the tree was written, or with its inode,
from listing the tree."""


def _record_name(tree: Path) -> str:
    """What a tree's record in the ledger is kept under: its folder's device and inode,
    which stay the same when the folder is renamed (published, then kept)."""
    status = tree.stat()
    return f"{status.st_dev}-{status.st_ino}"


def _take_record(ledger: Path | None, tree: Path, apart: tuple[str, ...]) -> Listing | None:
    """The recorded listing of a tree, removed as it is read: while the tree is being
    changed there is no record of it, so a stopped update is listed afresh next time.
    A record is used only if it was made for the build the tree's marker names, with
    the same folders kept apart (a build without search must see the old index to delete it)."""
    if ledger is None:
        return None
    path = ledger / _record_name(tree)
    try:
        data = path.read_bytes()
        path.unlink()
        built, kept_apart, files, folders = pickle.loads(data)
    except Exception:  # none, or unreadable: the tree is listed instead
        return None
    return (files, folders) if built == stamp(tree) and kept_apart == apart else None


def _keep_record(ledger: Path, out: Path, files: Mapping[str, tuple[str, str]], apart: tuple[str, ...], spare: Path) -> None:
    """Record what the site just published holds; forget the records of trees that are gone."""
    folders = {""}
    for relative in files:
        parent = relative.rpartition("/")[0]
        while parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    name = _record_name(out)
    ledger.mkdir(parents=True, exist_ok=True)
    temporary = ledger / f".{name}.new"
    listing = {path: digest for path, (_, digest) in files.items()}
    temporary.write_bytes(pickle.dumps((stamp(out), apart, listing, folders), protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(temporary, ledger / name)
    kept = {name, _record_name(spare) if spare.is_dir() else ""}
    for entry in ledger.iterdir():
        if entry.name not in kept:
            entry.unlink(missing_ok=True)


def _recover(out: Path) -> None:
    """Clear up after a build that was killed (a power cut, `kill -9`): it may have left
    the new tree it was making, or, stopped between the two renames of the swap,
    the published site moved aside with nothing in its place, which is put back.
    Only one build of a portal runs at a time (see `BuildCache.lock`), so any such
    folder is a leftover."""
    if not out.parent.is_dir():
        return
    left = re.compile(rf"\.{re.escape(out.name)}-(old|new)-[a-z0-9_]{{8}}")  # mkdtemp's names, exactly
    found = sorted((folder.name, folder) for folder in out.parent.iterdir() if left.fullmatch(folder.name) and folder.is_dir())
    for name, folder in found:
        if "-old-" in name[len(out.name) + 1 :] and (folder / MARKER).is_file() and not out.exists():
            folder.rename(out)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def stamp(out: Path) -> str:
    """The stamp of the site in `out` ("" when there is none): a build whose inputs
    hash to the same stamp has nothing to change."""
    try:
        lines = (out / MARKER).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return ""
    return lines[1] if len(lines) > 1 else ""


def _update(
    tree: Path, files: Mapping[str, tuple[str, str]], listing: Listing, later: Collection[str] = (), ready: Callable[[], None] | None = None
) -> int:
    """Link into `tree` every file it lacks or holds other bytes of, and delete what is not
    in `files` (the listing leaves out the marker and the folders kept apart). Deletes
    first, so a file may take the place of a folder that is gone, or the other way round."""
    present, folders = listing
    emptied = set()
    for relative in present.keys() - files.keys():
        (tree / relative).unlink()
        emptied.add(relative.rpartition("/")[0])
    for folder in sorted(emptied, key=lambda f: f.count("/"), reverse=True):
        while folder and (tree / folder).is_dir() and not any((tree / folder).iterdir()):
            (tree / folder).rmdir()
            folders.discard(folder)
            folder = folder.rpartition("/")[0]
    device = tree.stat().st_dev
    linked = 0
    for relative, (source, digest) in files.items():
        if relative not in later:
            linked += _link(tree, relative, source, digest, present, folders, device)
    if ready is not None:
        ready()
    for relative in later:
        source, digest = files[relative]
        linked += _link(tree, relative, source, digest, present, folders, device)
    return linked


def _link(tree: Path, relative: str, source: str, digest: str, present: Mapping[str, str | int], folders: set[str], device: int) -> int:
    """Link one file into `tree` unless it is there already; 1 when it was linked."""
    if _same(present.get(relative), source, digest, device):
        return 0
    parent = relative.rpartition("/")[0]
    if parent not in folders:
        (tree / parent).mkdir(parents=True, exist_ok=True)
        while parent:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    link_file(source, tree / relative)
    return 1


def _same(present: str | int | None, source: str, digest: str, device: int) -> bool:
    """Whether a tree's file is already `source`: by the hash recorded for it, or, when the
    tree was listed, by being a hard link to it (same device and inode)."""
    if present is None:
        return False
    if isinstance(present, str):
        return present == digest
    status = os.stat(source)
    return status.st_dev == device and status.st_ino == present


def list_tree(tree: Path, apart: tuple[str, ...]) -> tuple[dict[str, int], set[str]]:
    """Every file under `tree` (path → inode; os.scandir gives inodes without a stat) and every
    folder: the slow way to know a tree, for one whose record (see `_take_record`) is missing."""
    files: dict[str, int] = {}
    folders = {""}
    pending = [(str(tree), "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if relative not in apart:
                        folders.add(relative)
                        pending.append((entry.path, relative + "/"))
                elif relative != MARKER:
                    files[relative] = entry.inode()
    return files, folders


def link_file(source: str, target: Path) -> None:
    """Put `source` at `target` by a hard link (a copy where the file system has none),
    replacing what is there in one step. Every file of a site is put in place by this."""
    temporary = target.with_name(f".{target.name}.xxgk-new")
    temporary.unlink(missing_ok=True)
    link_or_copy(source, str(temporary))
    os.replace(temporary, target)


def _swap(tree: Path, out: Path, spare: Path) -> None:
    """Publish `tree` as `out`; the site it replaces becomes `spare`, to be updated next time."""
    os.chmod(tree, 0o755)  # mkdtemp makes it private; a web server must read it
    if not out.exists():
        tree.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        tree.rename(out)
    except BaseException:
        old.rename(out)
        raise
    if (old / MARKER).is_file():
        old.rename(spare)
    else:
        shutil.rmtree(old, ignore_errors=True)  # an empty folder the first build was given
