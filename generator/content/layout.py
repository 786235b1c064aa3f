"""Where a portal's files live: the one place that knows the content layout.

    content/site.yaml                 the portal's settings
    content/agencies.yaml             the agency registry
    content/reports/<agency>/<year>.md  a report; its attachments beside it
    content/reports/<agency>/revisions.json  the agency's 修订记录, kept by the build
    templates/                        the portal's own templates (optional)

Everything that finds, watches, writes or names a content file (load, the
build's scan, the preview's file watcher, `xxgk new`, `xxgk import`, `xxgk
init`) asks this module, so the layout could change in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CONTENT = "content"
SITE_FILE = f"{CONTENT}/site.yaml"
AGENCIES_FILE = f"{CONTENT}/agencies.yaml"
REPORTS_DIR = f"{CONTENT}/reports"
TEMPLATES = "templates"
REPORT_SUFFIX = ".md"

GENERATED_BESIDE_ATTACHMENTS = ("index.html", "report.json")
"""What a build writes into a report's folder of the site, where its attachments go
too: an attachment may not take these names (see site.urls)."""


REVISIONS_NAME = "revisions.json"
"""The ledger of an agency's revisions (`content.revisions`), beside its reports: an attachment may not take the name."""


def revisions_path(agency_id: str) -> str:
    """Where the ledger of `agency_id` lives, relative to the project."""
    return f"{REPORTS_DIR}/{agency_id}/{REVISIONS_NAME}"


def is_report_name(name: str) -> bool:
    """Whether a file in an agency's folder is a report (the rest are attachments);
    hidden files (editors' backups) are not reports."""
    return name.endswith(REPORT_SUFFIX) and not name.startswith(".")


def is_agency_folder(name: str) -> bool:
    """Whether a folder under content/reports holds an agency's reports: hidden
    folders (a backup, an editor's) are not read."""
    return not name.startswith(".")


def report_path(agency_id: str, year: int) -> str:
    """Where the report of `agency_id` for `year` lives, relative to the project."""
    return f"{REPORTS_DIR}/{agency_id}/{year}{REPORT_SUFFIX}"


def agency_folders(root: Path) -> dict[str, str]:
    """Every agency folder under content/reports: its name → its path."""
    try:
        with os.scandir(root / REPORTS_DIR) as entries:
            return {e.name: e.path for e in entries if is_agency_folder(e.name) and e.is_dir()}
    except (FileNotFoundError, NotADirectoryError):
        return {}


def file_names(folder: str) -> list[str]:
    """The names of the files (not folders) in `folder`: an agency's reports and attachments."""
    try:
        with os.scandir(folder) as entries:
            return [e.name for e in entries if e.is_file()]
    except (FileNotFoundError, NotADirectoryError):
        return []


def report_files(root: Path) -> list[Path]:
    """Every content/reports/<agency>/<year>.md, in path order (os.scandir: a tenth of glob's time)."""
    found: list[tuple[str, str]] = []
    for name, path in agency_folders(root).items():
        with os.scandir(path) as entries:
            found += [(name, e.name) for e in entries if is_report_name(e.name) and e.is_file()]
    base = root / REPORTS_DIR
    return [base / agency / name for agency, name in sorted(found)]


Kind = Literal["settings", "registry", "report", "agency-file", "reports", "templates", "other"]


@dataclass(frozen=True)
class Place:
    """What a path in a project is, for the preview's file watcher."""

    kind: Kind
    relative: str  # relative to the project, with forward slashes
    agency: str = ""  # the agency folder it is in, for "report" and "agency-file"


def place(root: Path, path: Path) -> Place:
    """Say what `path` (under `root`) is: a settings or registry file, a report, another
    file of an agency's folder (an attachment), the reports folder itself, a template."""
    relative = path.relative_to(root).as_posix()
    if relative in (CONTENT, REPORTS_DIR):
        return Place("reports", relative)
    if relative == SITE_FILE:
        return Place("settings", relative)
    if relative == AGENCIES_FILE:
        return Place("registry", relative)
    if relative == TEMPLATES or relative.startswith(TEMPLATES + "/"):
        return Place("templates", relative)
    if relative.startswith(REPORTS_DIR + "/"):
        parts = relative.split("/")
        if not is_agency_folder(parts[2]):
            return Place("other", relative)
        if len(parts) == 4 and is_report_name(parts[3]):
            return Place("report", relative, parts[2])
        return Place("agency-file", relative, parts[2])
    return Place("other", relative)
