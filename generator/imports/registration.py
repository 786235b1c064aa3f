"""A new agency met in an import: its registry entry, with what a report cannot tell
(the region) left empty for `xxgk check` to ask for, and its level guessed from its name.
"""

from __future__ import annotations

import json

LEVEL_HINTS = (("省人民政府", "省级"), ("市人民政府", "市级"), ("县人民政府", "县级"), ("区人民政府", "县级"),
               ("乡人民政府", "乡镇/街道"), ("镇人民政府", "乡镇/街道"), ("街道办事处", "乡镇/街道"))


def guess_level(name: str) -> str:
    """The level a name suggests (乡、镇 and 街道 without 人民政府 count too); 部门 otherwise."""
    for ending, level in LEVEL_HINTS:
        if name.endswith(ending):
            return level
    if name.endswith(("乡", "镇", "街道")):
        return "乡镇/街道"
    return "部门"


def registry_entry(agency_id: str, name: str) -> str:
    """Lines to append to agencies.yaml for a new agency. The region is not in a
    report, so it is left empty for `xxgk check` to ask for."""
    return (
        f"  - id: {agency_id}\n"
        f"    name: {json.dumps(name, ensure_ascii=False)}\n"
        "    region:                               # 请填写所属地区，如 “示例省 / 示例市 / 示例县”\n"
        f"    level: {guess_level(name)}{' ' * max(1, 32 - len(guess_level(name)) * 2)}# 由 xxgk import 按名称推测，请核对\n"
    )
