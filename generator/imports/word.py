"""The Word reader (.docx, through python-docx): paragraphs with their heading
level and bold runs, and tables as Word lays them out (a merged cell's text in
every position it covers). A .doc must be saved as .docx first.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from .base import LibraryReader, file_bytes
from .document import Block, Document, Grid, Paragraph, ReadError


class WordReader(LibraryReader):
    extensions = (".docx",)
    library = "docx"
    package = "python-docx"

    def read(self, path: Path) -> Document:
        data = file_bytes(path)
        import docx  # python-docx: loaded only when a Word file is read
        from docx.table import Table
        from docx.text.paragraph import Paragraph as WordParagraph

        try:
            word = docx.Document(io.BytesIO(data))
        except Exception:
            raise ReadError("不是有效的 .docx 文件（可能已损坏，或是改了扩展名的其他文件）") from None
        blocks: list[Block] = []
        for item in word.iter_inner_content():
            if isinstance(item, WordParagraph) and (paragraph := _paragraph(item)) is not None:
                blocks.append(paragraph)
            elif isinstance(item, Table):
                blocks.append(Grid(tuple(tuple(cell.text.strip() for cell in row.cells) for row in item.rows)))
        return Document(tuple(blocks))


def _paragraph(item: Any) -> Paragraph | None:
    """A Word paragraph with its bold runs as `**…**`; a heading style gives its level
    (and a heading keeps no emphasis). None for an empty paragraph."""
    text = "".join(f"**{run.text}**" if run.bold and run.text.strip() else run.text for run in item.runs).strip()
    text = re.sub(r"\*\*\s*\*\*", "", text)
    if not text:
        return None
    style = (item.style.name if item.style is not None else "") or ""
    level = int(style.split()[-1]) if style.startswith("Heading") and style.split()[-1].isdigit() else 0
    return Paragraph(text.replace("**", "") if level else text, min(level, 6))
