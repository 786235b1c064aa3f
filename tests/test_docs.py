"""The README and the guide in docs/: every relative Markdown link points to a file or folder that exists."""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PAGES = [REPOSITORY / "README.md", *sorted((REPOSITORY / "docs").rglob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def relative_links(page: Path) -> list[str]:
    """The targets of the page's links outside code, less web addresses and anchors within the page."""
    text = CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:|#", target)]


def test_there_are_pages_with_links() -> None:
    assert len(PAGES) > 10
    assert relative_links(REPOSITORY / "README.md")


def test_every_relative_link_resolves() -> None:
    broken = [
        f"{page.relative_to(REPOSITORY)}: {target}"
        for page in PAGES
        for target in relative_links(page)
        if not (page.parent / target.split("#", 1)[0]).exists()
    ]
    assert broken == []
