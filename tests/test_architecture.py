"""The package's shape: imports run one way through the pipeline's folders, and no module grows past 400 lines.

    model, messages, fingerprint, files   (plain data and helpers every stage shares)
      → rules/catalogue.py → formats → content → rules, stats → site → exports, search → build → preview, imports → cli

A module may import from its own folder and from folders before its own, never
from one after it or beside it (exports and search do not import each other).
The rule catalogue is plain data that every stage names when it reports a
problem, so it stands below the stages although it lives in rules/ beside the checks.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

LAYERS: dict[str, int] = {
    "__init__": 0, "model": 0, "messages": 0, "fingerprint": 0, "files": 0,
    "rules.catalogue": 1,
    "formats": 2,
    "content": 3,
    "rules": 4,
    "stats": 4,
    "site": 5,
    "exports": 6, "search": 6,
    "build": 7,
    "preview": 8, "imports": 8,
    "cli": 9, "__main__": 10,
}


def part_of(module: Path) -> str:
    """The folder (or top-level module) a file belongs to; the catalogue is a part of its own."""
    relative = module.relative_to(PACKAGE)
    if relative.as_posix() == "rules/catalogue.py":
        return "rules.catalogue"
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported(module: Path, source: str | None = None) -> list[str]:
    """The parts of the package a module (or `source` put in its place) imports from."""
    tree = ast.parse(module.read_text(encoding="utf-8") if source is None else source)
    depth = len(module.relative_to(PACKAGE).parts) - 1  # 0 at the top, 1 in a folder
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            up = node.level - 1  # how many folders above the module's own
            if up > depth:
                continue
            here = module.relative_to(PACKAGE).parts[: depth - up]
            target = [*here, *(node.module.split(".") if node.module else [])]
            found.append(_part(target, [alias.name for alias in node.names]))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "generator":
            found.append(_part(node.module.split(".")[1:], [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [_part(alias.name.split(".")[1:], []) for alias in node.names if alias.name.split(".")[0] == "generator"]
    return found


def _part(target: list[str], names: list[str]) -> str:
    """The part a `from <target> import <names>` reaches."""
    if not target:  # `from .. import x`: x is a module of the package, or __version__
        return next((name for name in names if name in LAYERS), "__init__")
    if target[:2] == ["rules", "catalogue"] or (target == ["rules"] and names == ["catalogue"]):
        return "rules.catalogue"
    return target[0]


def test_every_part_of_the_package_has_a_place_in_the_layers() -> None:
    parts = {part_of(module) for module in PACKAGE.rglob("*.py")}
    assert parts <= LAYERS.keys(), parts - LAYERS.keys()


def test_imports_run_one_way_through_the_pipeline() -> None:
    wrong = []
    for module in sorted(PACKAGE.rglob("*.py")):
        own = part_of(module)
        for target in imported(module):
            if target != own and LAYERS[target] >= LAYERS[own]:
                wrong.append(f"{module.relative_to(PACKAGE)} imports {target}")
    assert wrong == []


def test_the_layer_check_sees_a_wrong_import() -> None:
    """The check itself can fail: site/ importing build/ is caught, however it is spelled."""
    module = PACKAGE / "site" / "plan.py"
    assert "build" not in imported(module)
    for line in ("from ..build.part import AgencyPart", "from ..build import part", "from generator.build.part import AgencyPart", "import generator.build.part"):
        assert "build" in imported(module, module.read_text(encoding="utf-8") + "\n" + line + "\n")


def test_no_module_is_over_400_lines() -> None:
    long = {str(m.relative_to(PACKAGE)): n for m in PACKAGE.rglob("*.py") if (n := len(m.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
