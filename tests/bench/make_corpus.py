"""Write a complete, fictional benchmark portal of N reports.

    python tests/bench/make_corpus.py OUT_DIR --reports 10000 [--seed 1]

The portal is what a prefecture or province would publish: city, county and
township governments and their departments, reports for 2008–2024 in all three
formats (free-form before 2019, the 2019 format for 2019–2020, the 2021 format
after), figures that pass every check of `xxgk check` including the cross-year
ones, and narratives with a realistic vocabulary: words are drawn by frequency
from the dictionary that ships with jieba (about 350,000 words), so a corpus of
10,000 reports uses tens of thousands of distinct words rather than a few
repeated paragraphs (`--plain-words` uses a short list written here instead,
for tests that need a portal of many agencies but not its vocabulary, and
run where jieba is not installed). The same seed always gives the same portal.

Everything written here is fictional: agency and place names are made up from
a list of common characters and may coincide with real ones only by chance.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.resources
import itertools
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

FIRST_YEAR, LAST_YEAR = 2008, 2024

NAME_CHARS = "安宁平和清源丰泰永兴德嘉长新阳川河山云海林石金桥湖溪青白红华明光昌盛富康乐远隆瑞祥福顺广庆临江峰岭原泉"
DEPARTMENTS = (
    "发展和改革局", "教育局", "科学技术局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
    "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局", "商务局",
    "文化和旅游局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
    "医疗保障局", "林业和草原局", "信访局",
)
LEGAL_TERMS = ("行政复议", "依申请公开", "不予公开", "政府信息公开申请", "三安全一稳定", "行政诉讼", "主动公开", "政务公开")
TOPICS = (
    "财政预决算", "重大建设项目", "公共资源配置", "社会公益事业", "乡村振兴", "义务教育", "医疗卫生",
    "生态环境保护", "安全生产", "食品药品监管", "征地补偿", "城乡规划", "社会救助", "就业创业",
    "营商环境", "行政许可", "行政处罚", "惠企政策", "疫情防控", "农村人居环境", "养老服务", "住房保障",
)
PARTS = ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）平台建设", "（五）监督保障")
OLD_SECTIONS = ("一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、收费及减免情况", "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "六、存在的主要问题及改进措施")
OPENERS = ("本年度", "一年来", "{year}年", "报告期内", "全年", "今年以来")
CONNECTORS = ("同时", "此外", "另外", "与此同时", "在此基础上", "为此", "据统计", "其中")


PLAIN_WORDS = {
    "n": "信息 制度 平台 网站 政策 文件 目录 栏目 数据 服务 机制 流程 渠道 群众 企业 项目 标准 规范 指南 台账 档案 公告 通知 意见 办法 方案 清单 事项 窗口 热线",
    "v": "发布 完善 推进 落实 健全 优化 公开 更新 整理 解读 回应 办理 审查 开展 建立 加强 提升 梳理 答复 核查",
    "a": "及时 准确 完整 便捷 透明 主动 全面 重点 有效 统一",
    "d": "进一步 持续 切实 不断 逐步 认真 严格 积极",
    "ns": "城区 园区 社区 乡村 街道 开发区",
    "l": "便民利民 公开透明 依法依规 实事求是 一网通办",
}
"""A few words of each kind, in the form of jieba's dictionary (word, frequency, tag), for `--plain-words`."""


class Vocabulary:
    """Words from jieba's dictionary (or `PLAIN_WORDS`), drawn by their frequency."""

    def __init__(self, rng: random.Random, plain: bool = False) -> None:
        self.rng = rng
        if plain:
            text = "\n".join(f"{word} 10 {tag}" for tag, words in PLAIN_WORDS.items() for word in words.split())
        else:
            text = (importlib.resources.files("jieba") / "dict.txt").read_text(encoding="utf-8")
        self.words: dict[str, list[str]] = {}
        self.weights: dict[str, list[int]] = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue
            word, freq, tag = parts[0], int(parts[1]), parts[2]
            if not 2 <= len(word) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in word):
                continue
            kind = {"n": "n", "vn": "n", "nz": "n", "v": "v", "a": "a", "ad": "a", "d": "d", "ns": "ns", "l": "l", "i": "l"}.get(tag)
            if kind and freq >= 3:
                self.words.setdefault(kind, []).append(word)
                self.weights.setdefault(kind, []).append(freq)
        self.cumulative = {k: list(itertools.accumulate(min(w, 20000) for w in v)) for k, v in self.weights.items()}

    def pick(self, kind: str) -> str:
        cumulative = self.cumulative[kind]
        index = bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])
        return self.words[kind][min(index, len(cumulative) - 1)]


@dataclass
class Agency:
    id: str
    name: str
    region: tuple[str, ...]
    level: str
    parent: str | None
    scale: int  # typical number of applications a year


def make_agencies(rng: random.Random, reports: int) -> tuple[list[Agency], dict[str, list[int]]]:
    """Agencies city by city until they hold at least `reports` reports; their years too."""
    agencies: list[Agency] = []
    years: dict[str, list[int]] = {}
    total = 0
    short = ["".join(p) for p in itertools.permutations(NAME_CHARS, 2)]
    longer = ["".join(p) for p in itertools.permutations(NAME_CHARS, 3)]
    rng.shuffle(short)
    rng.shuffle(longer)
    name_iter = itertools.chain(short, longer)  # two-character place names first, as most are
    province = "示例省"

    def add(agency: Agency) -> bool:
        nonlocal total
        start = rng.choice(range(FIRST_YEAR, 2021))
        span = [y for y in range(start, LAST_YEAR + 1) if rng.random() > 0.06]
        span = span[: max(0, reports - total)]
        if span:
            agencies.append(agency)
            years[agency.id] = span
            total += len(span)
        return total >= reports

    for city_no in itertools.count(1):
        city = next(name_iter) + "市"
        city_id = f"c{city_no}"
        region = (province, city)
        if add(Agency(city_id, f"{city}人民政府", region, "市级", None, 80)):
            break
        for d_no, dept in enumerate(DEPARTMENTS, 1):
            if add(Agency(f"{city_id}-d{d_no}", f"{city}{dept}", region, "部门", city_id, 15)):
                return agencies, years
        for county_no in range(1, 9):
            county = next(name_iter) + rng.choice("县县县区")
            county_id = f"{city_id}-x{county_no}"
            county_region = (*region, county)
            if add(Agency(county_id, f"{county}人民政府", county_region, "县级", city_id, 40)):
                return agencies, years
            for d_no, dept in enumerate(DEPARTMENTS[:18], 1):
                if add(Agency(f"{county_id}-d{d_no}", f"{county}{dept}", county_region, "部门", county_id, 8)):
                    return agencies, years
            for t_no in range(1, 13):
                town = next(name_iter) + rng.choice(("镇", "镇", "乡", "街道"))
                if add(Agency(f"{county_id}-t{t_no}", f"{county}{town}人民政府" if not town.endswith("街道") else f"{county}{town}办事处", (*county_region, town), "乡镇/街道", county_id, 2)):
                    return agencies, years
    return agencies, years


# --- figures ---------------------------------------------------------------------

RESULT_ROWS_2021 = (
    "disclosed", "partly-disclosed",
    "denied-secret", "denied-law", "denied-safety", "denied-third-party", "denied-internal", "denied-process", "denied-enforcement", "denied-inquiry",
    "unable-not-held", "unable-not-existing", "unable-unclear",
    "rejected-petition", "rejected-repeated", "rejected-publication", "rejected-excessive", "rejected-confirmation",
    "other-no-correction", "other-no-fee", "other-misc",
)
RESULT_ROWS_2019 = RESULT_ROWS_2021[:18] + ("other",)
RESULT_WEIGHTS = (50, 12, 1, 1, 1, 3, 2, 2, 1, 1, 15, 4, 2, 3, 2, 1, 1, 1, 2, 1, 3)
APPLICANT_WEIGHTS = (80, 12, 1, 2, 3, 2)


@dataclass
class State:
    """What a year's report hands on to the next year's."""

    carried_forward: list[int]
    in_force: list[int]  # 规章, 行政规范性文件 现行有效件数 (2021 format)
    fmt: str


def _split(rng: random.Random, total: int, weights: tuple[int, ...]) -> list[int]:
    counts = [0] * len(weights)
    for _ in range(total):
        counts[rng.choices(range(len(weights)), weights)[0]] += 1
    return counts


def figures(rng: random.Random, agency: Agency, year: int, previous: State | None) -> tuple[dict, State, dict]:
    """Table data for one report, consistent with last year's; and facts for the narrative."""
    fmt = "2021" if year >= 2021 else "2019"
    received = _split(rng, max(0, int(rng.gauss(agency.scale, agency.scale / 3))), APPLICANT_WEIGHTS)
    carried = previous.carried_forward if previous else [0] * 6
    available = [r + c for r, c in zip(received, carried)]
    forward = [sum(1 for _ in range(a) if rng.random() < 0.06) for a in available]
    rows = RESULT_ROWS_2021 if fmt == "2021" else RESULT_ROWS_2019
    weights = RESULT_WEIGHTS if fmt == "2021" else RESULT_WEIGHTS[:18] + (6,)
    results = {row: [0] * 6 for row in rows}
    for column, (a, f) in enumerate(zip(available, forward)):
        for row_index, count in enumerate(_split(rng, a - f, weights)):
            results[rows[row_index]][column] = count
    applications = {"received": received, "carried-over": carried, **results, "carried-forward": forward}

    def small(mean: float) -> int:
        return max(0, int(rng.expovariate(1 / mean))) if mean else 0

    if fmt == "2021":
        base = previous.in_force if previous and previous.fmt == "2021" else [small(2), small(10 + agency.scale / 2)]
        docs = []
        for in_force in base:
            issued = small(1 + agency.scale / 15)
            repealed = min(in_force, small(1 + agency.scale / 25))
            docs.append([issued, repealed, in_force + issued - repealed])
        active = {
            "regulations": docs[0],
            "normative-documents": docs[1],
            "licensing": small(agency.scale * 20),
            "penalties": small(agency.scale * 5),
            "enforcement": small(agency.scale / 2),
            "fees": round(rng.random() * agency.scale * 3, 4),
        }
        in_force_now = [docs[0][2], docs[1][2]]
    else:
        def item() -> list[int]:
            last = small(agency.scale)
            return [last, rng.randint(-min(last, 5), 5), small(agency.scale * 5)]

        made = small(2 + agency.scale / 10)
        active = {
            "regulations": [0, 0, small(1)],
            "normative-documents": [made, made, small(20 + agency.scale)],
            "licensing": item(),
            "other-services": item(),
            "penalties": item(),
            "enforcement": item(),
            "fees": item()[:2],
            "procurement": [small(5), round(rng.random() * 500, 4)],
        }
        in_force_now = [0, 0]
    appeals = {key: [small(0.3 * agency.scale / 10) for _ in range(4)] for key in ("review", "lawsuit-direct", "lawsuit-after-review")}
    facts = {
        "received": sum(received),
        "carried": sum(carried),
        "disclosed": sum(results["disclosed"]),
        "reviews": sum(appeals["review"]),
        "lawsuits": sum(appeals["lawsuit-direct"]) + sum(appeals["lawsuit-after-review"]),
    }
    return {"active": active, "applications": applications, "appeals": appeals}, State(forward, in_force_now, fmt), facts


# --- narrative ---------------------------------------------------------------------------


class Writer:
    def __init__(self, rng: random.Random, vocabulary: Vocabulary) -> None:
        self.rng = rng
        self.v = vocabulary

    def clause(self) -> str:
        r, v = self.rng, self.v
        shapes = (
            lambda: f"{v.pick('v')}{v.pick('n')}{v.pick('n')}",
            lambda: f"{v.pick('d')}{v.pick('v')}{r.choice(TOPICS)}{v.pick('n')}",
            lambda: f"围绕{v.pick('n')}{v.pick('v')}{v.pick('n')}",
            lambda: f"{v.pick('a')}{v.pick('n')}{v.pick('v')}{v.pick('n')}",
            lambda: f"加强{r.choice(TOPICS)}领域{v.pick('n')}公开",
            lambda: f"做好{v.pick('l')}的{v.pick('n')}工作",
            lambda: f"在{v.pick('ns')}{v.pick('v')}{v.pick('n')}",
            lambda: f"{r.choice(LEGAL_TERMS)}{v.pick('n')}{v.pick('v')}",
        )
        return r.choice(shapes)()

    def sentence(self, year: int) -> str:
        r = self.rng
        opener = r.choice(OPENERS + CONNECTORS).format(year=year)
        clauses = "，".join(self.clause() for _ in range(r.randint(2, 4)))
        return f"{opener}，{clauses}。"

    def paragraph(self, year: int, sentences: tuple[int, int] = (2, 4), lead: str = "") -> str:
        return lead + "".join(self.sentence(year) for _ in range(self.rng.randint(*sentences)))

    def narrative(self, agency: Agency, year: int, fmt: str, facts: dict | None) -> str:
        r = self.rng
        intro = (
            f"本报告依据《中华人民共和国政府信息公开条例》编制，由{agency.name}负责解释，"
            f"统计期限为{year}年1月1日至{year}年12月31日。本报告为基准测试用的虚构数据。"
        )
        if fmt == "freeform":
            out = [intro, ""]
            for heading in OLD_SECTIONS:
                out += [f"## {heading}", "", self.paragraph(year, (1, 3)), ""]
            return "\n".join(out)
        out = [intro, "", "## 一、总体情况", "", self.paragraph(year), ""]
        for part in PARTS:
            lead = ""
            if part.startswith("（二）") and facts:
                lead = (
                    f"{year}年共收到政府信息公开申请{facts['received']}件，上年结转{facts['carried']}件，"
                    f"予以公开{facts['disclosed']}件。"
                )
                if facts["reviews"] or facts["lawsuits"]:
                    lead += f"因政府信息公开被申请行政复议{facts['reviews']}件、提起行政诉讼{facts['lawsuits']}件。"
            out += [f"### {part}", "", self.paragraph(year, (2, 5), lead), ""]
        out += ["## 五、存在的主要问题及改进情况", "", self.paragraph(year, (2, 4)), ""]
        six = "本年度未收取信息处理费。" if r.random() < 0.9 else f"本年度收取信息处理费{r.randint(1, 9) * 10}元。"
        out += ["## 六、其他需要报告的事项", "", six + self.paragraph(year, (1, 2)), ""]
        return "\n".join(out)


# --- files -------------------------------------------------------------------------------------


def _flow(values: list) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


def report_text(agency: Agency, year: int, fmt: str, tables: dict | None, published: str, narrative: str) -> str:
    lines = ["---", f"agency: {agency.id}", f"year: {year}", f"published: {published}", f'format: "{fmt}"']
    if tables:
        lines.append("tables:")
        for table, rows in tables.items():
            lines.append(f"  {table}:")
            for key, values in rows.items():
                lines.append(f"    {key}: {_flow(values) if isinstance(values, list) else values}")
    lines += ["---", "", narrative]
    return "\n".join(lines)


def write_portal(out: Path, reports: int, seed: int, plain_words: bool = False) -> int:
    rng = random.Random(seed)
    writer = Writer(rng, Vocabulary(rng, plain_words))
    agencies, years = make_agencies(rng, reports)
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    (content / "reports").mkdir(parents=True)
    (content / "site.yaml").write_text(
        f"title: 基准测试门户（{reports} 份虚构报告）\nbase_url: /\norganiser: 虚构单位\n"
        "description: xxgk 基准测试用的虚构数据，机关、地名和数字均为程序生成。\nfooter:\n  - 基准测试数据，全部为虚构\n",
        encoding="utf-8",
    )
    registry = ["agencies:"]
    for a in agencies:
        registry += [f"  - id: {a.id}", f"    name: {a.name}", f"    region: {' / '.join(a.region)}", f"    level: {a.level}"]
        if a.parent:
            registry.append(f"    parent: {a.parent}")
    (content / "agencies.yaml").write_text("\n".join(registry) + "\n", encoding="utf-8")

    written = 0
    for agency in agencies:
        folder = content / "reports" / agency.id
        folder.mkdir()
        previous: State | None = None
        last_year = None
        for year in years[agency.id]:
            fmt = "freeform" if year < 2019 else ("2019" if year < 2021 else "2021")
            if last_year != year - 1:
                previous = None  # a gap: nothing is carried over
            tables = facts = None
            if fmt != "freeform":
                tables, previous, facts = figures(rng, agency, year, previous)
            month_day = f"03-{rng.randint(1, 28):02d}" if agency.level in ("市级", "县级") and rng.random() < 0.5 else f"01-{rng.randint(5, 31):02d}"
            text = report_text(agency, year, fmt, tables, f"{year + 1}-{month_day}", writer.narrative(agency, year, fmt, facts))
            (folder / f"{year}.md").write_text(text, encoding="utf-8")
            written += 1
            last_year = year
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="portal directory to write (its content/ is replaced)")
    parser.add_argument("--reports", type=int, required=True, help="number of reports")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plain-words", action="store_true", help="a short word list instead of jieba's dictionary")
    args = parser.parse_args(argv)
    written = write_portal(args.out, args.reports, args.seed, args.plain_words)
    print(f"wrote {written} reports to {args.out / 'content'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
