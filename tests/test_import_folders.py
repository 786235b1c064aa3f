"""`xxgk import` of the reports agencies really published: new agencies named in pinyin
and placed in a region inferred from their names, so that a clean report imports with
exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.content.load import load_agencies
from generator.imports.naming import base_id, same_name, split_name

from .conftest import Portal
from .test_import import complete_text

HUAIAN = """\
agencies:
  - id: hongze
    name: 淮安市洪泽区人民政府
    region: 江苏省 / 淮安市 / 洪泽区
    level: 县级
  - id: huaian
    name: 淮安市人民政府
    region: 江苏省 / 淮安市
    level: 市级
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def source(folder: Path, name: str, year: int = 2022, file: str | None = None) -> Path:
    """A complete, correct report of `name` for `year`, as a text file in `folder`."""
    path = folder / (file or f"{name}{year}.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(complete_text(name, year), encoding="utf-8")
    return path


def registered(portal: Portal) -> dict[str, tuple[str, tuple[str, ...], str]]:
    return {a.id: (a.name, a.region, a.level) for a in load_agencies(portal.root).value}


# --- ids from names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("淮安市洪泽区人民政府", "huaian-hongze"),
        ("平罗县渠口乡人民政府", "pingluo-qukou"),
        ("江苏省淮安市洪泽区岔河镇人民政府", "jiangsu-huaian-hongze-chahe"),
        ("淮安市洪泽区教育局", "huaian-hongze-jiaoyuju"),
        ("淮安市住房和城乡建设局", "huaian-zhufanghechengxiangjiansheju"),  # 城乡 is no place
        ("沛县人民政府", "peixian"),  # a one-character county keeps its unit
        ("内蒙古自治区人民政府", "neimenggu"),
        ("测试县清河街道办事处", "ceshi-qinghe"),
        ("国家统计局", "guojiatongjiju"),
        ("某某局: #1", "moumouju1"),
        ("！！！", "jiguan"),
    ],
)
def test_an_id_is_the_name_in_pinyin_without_units_and_government(name: str, expected: str) -> None:
    assert base_id(name) == expected


def test_a_name_with_or_without_its_city_is_one_agency() -> None:
    assert split_name("淮安市洪泽区人民政府").places == ("淮安市", "洪泽区")
    assert same_name("淮安市洪泽区人民政府", "洪泽区 人民政府")
    assert not same_name("淮安市洪泽区人民政府", "淮安市洪泽区教育局")
    assert not same_name("洪泽区人民政府", "人民政府")


def test_a_new_agency_gets_a_pinyin_id_unique_in_the_registry(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", (portal.root / "content/agencies.yaml").read_text(encoding="utf-8")
                 + "  - id: ceshi-nanshan\n    name: 测试县南山街道办事处\n    region: 测试省 / 测试市 / 测试县 / 南山街道\n    level: 乡镇/街道\n")
    files = [source(tmp_path, "测试县南山镇人民政府"), source(tmp_path, "测试县南山乡人民政府")]
    code, output = run("-p", str(portal.root), "import", *map(str, files))
    assert code == 0, output
    agencies = registered(portal)
    assert agencies["ceshi-nanshan-2"][0] == "测试县南山镇人民政府"
    assert agencies["ceshi-nanshan-3"][0] == "测试县南山乡人民政府"
    assert (portal.root / "content/reports/ceshi-nanshan-2/2022.md").is_file()
    assert "测试县南山镇人民政府（ceshi-nanshan-2，新登记到 content/agencies.yaml" in output


def test_agency_option_still_chooses_the_id(portal: Portal, tmp_path: Path) -> None:
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "测试县南山镇人民政府")), "--agency", "nanshan")
    assert code == 0, output
    assert registered(portal)["nanshan"] == ("测试县南山镇人民政府", ("测试省", "测试市", "测试县", "南山镇"), "乡镇/街道")


def test_years_named_with_and_without_the_city_go_under_one_id(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", "agencies:\n")
    portal.write("content/site.yaml", "title: 门户\ndefault_region: 江苏省 / 淮安市\n")
    files = [source(tmp_path, "淮安市洪泽区人民政府", 2024), source(tmp_path, "洪泽区人民政府", 2023)]
    code, output = run("-p", str(portal.root), "import", *map(str, files))
    assert code == 0, output
    assert list(registered(portal)) == ["huaian-hongze"]
    assert sorted(p.name for p in (portal.root / "content/reports/huaian-hongze").iterdir()) == ["2023.md", "2024.md"]


# --- regions -----------------------------------------------------------------------------------


def test_the_region_is_inferred_from_the_registry_regions_and_a_clean_import_exits_0(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", HUAIAN)
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "洪泽区岔河镇人民政府")))
    assert code == 0, output
    assert registered(portal)["hongze-chahe"] == ("洪泽区岔河镇人民政府", ("江苏省", "淮安市", "洪泽区", "岔河镇"), "乡镇/街道")
    assert "所属地区：江苏省 / 淮安市 / 洪泽区 / 岔河镇（按名称中的“洪泽区”与机关名录中已有的地区推断，请核对）" in output
    assert "层级按名称推测为“乡镇/街道”，请核对" in output
    registry = (portal.root / "content/agencies.yaml").read_text(encoding="utf-8")
    assert '    region: "江苏省 / 淮安市 / 洪泽区 / 岔河镇"' in registry and "# 由 xxgk import 推断，请核对" in registry
    assert run("-p", str(portal.root), "check")[0] == 0  # the portal as a whole is clean too


def test_a_department_takes_the_region_of_the_place_it_names(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", HUAIAN)
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "淮安市洪泽区教育局")))
    assert code == 0, output
    assert registered(portal)["huaian-hongze-jiaoyuju"][1:] == (("江苏省", "淮安市", "洪泽区"), "部门")


def test_the_region_is_inferred_from_the_default_region(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/site.yaml", "title: 门户\ndefault_region: 江苏省 / 淮安市\n")
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "淮安市洪泽区人民政府")))
    assert code == 0, output
    assert registered(portal)["huaian-hongze"] == ("淮安市洪泽区人民政府", ("江苏省", "淮安市", "洪泽区"), "县级")
    assert "所属地区：江苏省 / 淮安市 / 洪泽区（按 content/site.yaml 的 default_region 和名称中的地名推断，请核对）" in output


def test_without_a_region_to_infer_the_import_exits_1_saying_what_to_do(portal: Portal, tmp_path: Path) -> None:
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "淮安市洪泽区人民政府")))
    assert code == 1, output
    assert "所属地区：未能推断：名称中的地名不在机关名录已有的地区中，content/site.yaml 也没有设置 default_region" in output
    registry = portal.root / "content/agencies.yaml"
    line = registry.read_text(encoding="utf-8").splitlines().index("  - id: huaian-hongze") + 3  # its region's line
    assert f"content/agencies.yaml:{line}: error [required-field] 缺少所属地区 “region”" in output


def test_problems_of_other_registry_entries_are_not_the_import_s(portal: Portal, tmp_path: Path) -> None:
    portal.write("content/agencies.yaml", HUAIAN + "  - id: broken\n    name: 别的机关\n    region: 江苏省\n    level: 国家级\n")
    code, output = run("-p", str(portal.root), "import", str(source(tmp_path, "洪泽区岔河镇人民政府")))
    assert code == 0 and "agency-level" not in output, output
    assert run("-p", str(portal.root), "check")[0] == 1  # still reported by the check of the portal
