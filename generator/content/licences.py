"""The licences a portal may publish its data downloads under, by identifier.

`data_licence` in site.yaml names one of these (an SPDX identifier, which the
Open Definition and Frictionless Data Packages use too), or gives a portal's
own terms as a title and an address. The table is the one place that knows a
licence's Chinese name and where its text is, so the data page, the data
package and `xxgk check` cannot disagree.
"""

from __future__ import annotations

import re
from typing import Any

from ..messages import suggestion
from ..model import Licence

KNOWN: dict[str, Licence] = {
    licence.id: licence
    for licence in (
        Licence("CC-BY-4.0", "知识共享署名 4.0 国际许可协议（CC BY 4.0）", "https://creativecommons.org/licenses/by/4.0/deed.zh-hans"),
        Licence("CC-BY-SA-4.0", "知识共享署名—相同方式共享 4.0 国际许可协议（CC BY-SA 4.0）", "https://creativecommons.org/licenses/by-sa/4.0/deed.zh-hans"),
        Licence("CC0-1.0", "CC0 1.0 通用公共领域贡献（放弃一切权利）", "https://creativecommons.org/publicdomain/zero/1.0/deed.zh-hans"),
        Licence("ODC-BY-1.0", "开放数据共享署名许可 1.0（ODC-By）", "https://opendatacommons.org/licenses/by/1-0/"),
        Licence("ODbL-1.0", "开放数据库许可 1.0（ODbL）", "https://opendatacommons.org/licenses/odbl/1-0/"),
        Licence("PDDL-1.0", "开放数据共享公共领域贡献和许可 1.0（PDDL）", "https://opendatacommons.org/licenses/pddl/1-0/"),
    )
}

ADDRESS = re.compile(r"^https?://[^\s/]+\S*$")

FORM = (
    "应是一个许可协议标识（" + "、".join(KNOWN) + "），"
    "或门户自己的条款：写成 “title: 条款名称” 和可选的 “url: https://…” 两行（缩进在 data_licence: 下）"
)


def licence_of(value: Any) -> tuple[Licence | None, str]:
    """The licence a `data_licence` value names, and "" ; or None and why it cannot be read
    (in Chinese, for the editor). A missing or blank value is no licence and no problem."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, str):
        key = value.strip()
        found = KNOWN.get(key) or next((licence for name, licence in KNOWN.items() if name.lower() == key.lower()), None)
        if found is not None:
            return found, ""
        return None, f"数据许可 “{key}” 不是已知的许可协议标识{suggestion(key, list(KNOWN))}；{FORM}"
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in value if k not in ("title", "url"))
        title = str(value.get("title") or "").strip()
        url = str(value.get("url") or "").strip()
        if unknown:
            return None, f"数据许可中有未知的键 “{unknown[0]}”：{FORM}"
        if not title:
            return None, f"数据许可缺少条款名称 “title”：{FORM}"
        if url and not ADDRESS.match(url):
            return None, f"数据许可的地址 “{url}” 应以 http:// 或 https:// 开头"
        return Licence("", title, url), ""
    return None, f"数据许可 “data_licence” {FORM}"
