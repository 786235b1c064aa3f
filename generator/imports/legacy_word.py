"""The old Word format (.doc, and WPS's .wps): converted to .docx by LibreOffice,
when it is installed, then read as Word.

Many agencies still publish .doc files. There is no maintained Python reader for
the binary format, and converting it is exactly what LibreOffice does well, so
this reader runs `soffice --headless --convert-to docx` in a temporary folder;
without LibreOffice it says how to save the file as .docx instead.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar

from .base import Reader
from .document import Document, ReadError
from .word import WordReader

CONVERSION_SECONDS = 120


class LegacyWordReader(Reader):
    extensions: ClassVar[tuple[str, ...]] = (".doc", ".wps")
    programs: ClassVar[tuple[str, ...]] = ("soffice", "libreoffice")

    def program(self) -> str | None:
        return next((found for name in self.programs if (found := shutil.which(name))), None)

    def available(self) -> str | None:
        if self.program() is None:
            return "读取 .doc 文件需要 LibreOffice（soffice），本机没有安装：请在 Word 或 WPS 中把文件另存为 .docx 后再导入，或安装 LibreOffice"
        return WordReader().available()

    def read(self, path: Path) -> Document:
        program = self.program()
        if program is None:
            raise ReadError(self.available() or "")
        with tempfile.TemporaryDirectory(prefix="xxgk-doc-") as folder:
            try:
                subprocess.run(
                    [program, "--headless", "--convert-to", "docx", "--outdir", folder, str(path)],
                    capture_output=True, check=False, timeout=CONVERSION_SECONDS,
                )
            except subprocess.TimeoutExpired:
                raise ReadError(f"LibreOffice 转换超过 {CONVERSION_SECONDS} 秒仍未完成：请在 Word 或 WPS 中另存为 .docx 后再导入") from None
            converted = Path(folder) / (path.stem + ".docx")
            if not converted.is_file():
                raise ReadError("LibreOffice 无法转换这个文件（可能已损坏或加了密码）：请在 Word 或 WPS 中打开并另存为 .docx 后再导入")
            return WordReader().read(converted)
