"""A saved web page's report, apart from the site around it.

A report saved from a government site comes with the site's chrome: menus and
breadcrumbs before it, a metadata table (索引号, 发布机构, 发布日期 ...), and
footers after it (版权所有, ICP备, 网站标识码, 打印本页 ...). The report starts at
its title; the metadata is kept apart, by label, for the importer to use (the
date the page was published, the agency that published it); the rest is left out.
"""

from __future__ import annotations

import re

from .document import Block, Document, Grid, Paragraph

METADATA_LABELS = (
    "索引号", "信息索引号", "发布机构", "发文机关", "公开主体", "信息来源", "来源", "发布日期", "成文日期", "公开日期", "生成日期",
    "发文字号", "文号", "主题分类", "公开方式", "公开范围", "有效性", "标题", "名称",
)
_LABEL = "|".join(sorted(METADATA_LABELS, key=len, reverse=True))
_PAIR = re.compile(rf"(?<![\u4e00-\u9fff])({_LABEL})\s*[：:]\s*(.*?)(?=\s*(?<![\u4e00-\u9fff])(?:{_LABEL})\s*[：:]|\s{{2,}}|$)")

FOOTER = re.compile(r"版权所有|ICP\s*备|网站标识码|公网安备|主办单位|承办单位|联系我们|网站地图|打印本页|关闭窗口|【\s*打印|分享到|扫一扫|上一篇|下一篇|相关链接")
TITLE = re.compile(r"政府信息公开(?:工作)?年度报告")


def pairs(text: str) -> list[tuple[str, str]]:
    """Every `label：value` in a line of page metadata."""
    return [(label, value.strip()) for label, value in _PAIR.findall(text.replace("\u3000", " ")) if value.strip()]


def _cells_pairs(grid: Grid) -> list[tuple[str, str]]:
    """Label and value pairs of a metadata table: "索引号：" in one cell and its value in the
    next, or both in one cell."""
    found: list[tuple[str, str]] = []
    for row in grid.rows:
        cells = [cell.strip() for cell in row]
        for index, cell in enumerate(cells):
            label = cell.rstrip("：: ")
            if label in METADATA_LABELS and cell != label and index + 1 < len(cells):
                found.append((label, cells[index + 1]))
            elif label in METADATA_LABELS and index + 1 < len(cells) and cells[index + 1] not in METADATA_LABELS:
                found.append((label, cells[index + 1]))
            else:
                found += pairs(cell)
    return [(label, value) for label, value in found if value and value.rstrip("：:") not in METADATA_LABELS]


def _metadata_of(block: Block) -> list[tuple[str, str]]:
    return _cells_pairs(block) if isinstance(block, Grid) else pairs(block.text.replace("*", ""))


def _is_metadata(block: Block) -> bool:
    """A block that is nothing but page metadata (a line of `label：value` pairs)."""
    if isinstance(block, Grid):
        return len(_cells_pairs(block)) >= 2
    text = block.text.replace("*", "").strip()
    found = pairs(text)
    return bool(found) and len("".join(label + value for label, value in found)) >= len(re.sub(r"[\s：:|]", "", text)) * 0.8


YEAR = re.compile(r"(?:19|20)\d\d")


def _title_at(blocks: tuple[Block, ...]) -> int | None:
    """Where the report's title stands: a short paragraph naming the annual report and its
    year (a menu item or a column's name, "政府信息公开年度报告", names no year)."""
    return next(
        (i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and TITLE.search(b.text) and YEAR.search(b.text) and len(b.text.strip(" *#")) <= 80),
        None,
    )


def article(document: Document) -> Document:
    """The report of a saved page: from its title to before the site's footer, the page's
    metadata apart. A page without a title like a report's is kept whole."""
    blocks = document.blocks
    start = _title_at(blocks)
    if start is None:
        return document
    metadata = [pair for block in blocks[:start] for pair in _metadata_of(block)]
    kept: list[Block] = [blocks[start]]
    for position, block in enumerate(blocks[start + 1 :]):
        if position < 4 and isinstance(block, Paragraph | Grid) and _is_metadata(block):  # 发布日期 under the title
            metadata += _metadata_of(block)
            continue
        kept.append(block)
    while len(kept) > 1 and isinstance(kept[-1], Paragraph) and FOOTER.search(kept[-1].text):
        kept.pop()
    return Document(tuple(kept), tuple(dict.fromkeys(metadata)))
