"""Reading editors' files: text decoding, front matter, and YAML with line numbers.

Every value an editor typed must be traceable to `file:line`, so YAML is
composed into nodes (which carry their marks) and converted here, recording
the line of every key path. PyYAML's own loader forgets the marks and accepts
duplicate keys silently; this one does neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..messages import suggestion
from ..model import KeyPath, Problem, RuleSpec, Source
from ..rules.catalogue import RULES

MAX_NODES = 100_000
"""Values a YAML text may expand to, or twice its length when that is more. A value takes a
character or more of text, so a file without aliases never comes near its own length (a
nationwide agencies.yaml of 160,000 agencies: a million values in 17 million characters);
aliases that expand past it are a bomb, stopped before it takes the memory of a machine."""

# libyaml's parser, where PyYAML was built with it (its wheels are), is about ten
# times faster than the pure-Python one, which took 90% of `xxgk check`'s time.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceError(Exception):
    """A file that cannot be read at all; `line` is 1-based, `rule` the catalogue's entry."""

    def __init__(self, line: int, rule: RuleSpec, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.rule = rule
        self.message = message


def read_text(path: Path) -> str:
    """Decode a file once, in one place: UTF-8 (with or without BOM), newlines normalised
    (Windows CRLF and old Mac CR). Anything else is refused with what to do about it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(1, RULES.unreadable, f"无法读取此文件：{exc.strerror or exc}") from None
    if not data.strip():
        raise SourceError(1, RULES.empty_file, "文件是空的：请填写内容（报告可用 “xxgk new” 生成待填写的骨架），或删除这个文件")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError(
            line, RULES.binary_file, "文件含有 NUL 字符，是二进制文件（如 Word 文档、压缩包）而不是文本：内容文件应是 UTF-8 文本；Word 报告请用 “xxgk import” 导入"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(line, RULES.encoding, _encoding_advice(data)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _encoding_advice(data: bytes) -> str:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return "文件不是 UTF-8 编码的文本：请在编辑器中“另存为”，编码选择“UTF-8”后重试"
    return "文件是 GBK/GB18030 编码（Windows 记事本、WPS 所说的“ANSI”），不是 UTF-8：请在记事本或 WPS 中“另存为”，编码选择“UTF-8”后重试"


@dataclass(frozen=True)
class FrontMatter:
    yaml_text: str
    yaml_first_line: int  # the file line of the YAML's first line
    body: str
    body_first_line: int


def split_front_matter(text: str) -> FrontMatter:
    """Split `---` YAML `---` from the Markdown body that follows."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(1, RULES.front_matter, "文件应以 “---” 开头的 YAML 前置信息（front matter）开始")
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return FrontMatter(
                yaml_text="\n".join(lines[1:index]),
                yaml_first_line=2,
                body="\n".join(lines[index + 1 :]),
                body_first_line=index + 2,
            )
    raise SourceError(1, RULES.front_matter, "前置信息没有结束：请在 YAML 之后加一行 “---”")


def parse_yaml(text: str, first_line: int = 1) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML into plain Python data plus the file line of every key path."""
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        message, at_opening = _describe(exc, text)
        mark = (exc.context_mark if at_opening else None) or exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        column = (mark.column + 1) if mark else 1
        raise SourceError(line, RULES.yaml_syntax, f"YAML 格式有误（第 {column} 列）：{message}") from None
    except yaml.YAMLError as exc:
        raise SourceError(first_line, RULES.yaml_syntax, f"YAML 格式有误：{exc}") from None
    if node is None:
        return None, {}
    converter = _Converter(first_line, max(MAX_NODES, 2 * len(text)))
    data = converter.convert(node, ())
    return data, converter.lines


_PROBLEMS = (
    # (how PyYAML's problem starts, what it means in Chinese, whether to point at where the construct opened)
    ("did not find expected ',' or ']'", "方括号 [ ] 没有配对，或列表中的数之间缺少逗号", True),
    ("did not find expected ',' or '}'", "花括号 { } 没有配对，或其中各项之间缺少逗号", True),
    ("found unexpected end of stream", "引号没有配对：值开头的引号在后面找不到结束的引号", True),
    ("found unknown escape character", "双引号中的反斜杠（\\）后面不是合法的转义字符：请改用单引号，或写成两个反斜杠", False),
    ("mapping values are not allowed here", "这一行多了一个“冒号加空格”：若值本身含有冒号，请给整个值加引号", False),
    ("could not find expected ':'", "缺少“键: 值”中的冒号，或缩进与上一行不一致", False),
    ("did not find expected key", "缩进不一致：同一层的键应左对齐", False),
    ("did not find expected '-' indicator", "缩进不一致：列表的各项（以 - 开头）应左对齐", False),
    ("expected <block end>", "缩进不一致：这一行的缩进与同一层的其他行不同", False),
    ("found undefined alias", "使用了未定义的别名（*名称）", False),
    ("found character that cannot start any token", "这里出现了 YAML 中有特殊含义的字符（如 @、`、%）：请给整个值加引号", False),
)


def _describe(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, bool]:
    """What went wrong, in Chinese (PyYAML's own words kept after it, for experts), and
    whether the place where the unfinished construct opened is the place to show."""
    mark = exc.problem_mark
    lines = text.split("\n")
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        return "缩进里有制表符（Tab），请改用空格", False
    problem = exc.problem or str(exc)
    for start, meaning, at_opening in _PROBLEMS:
        if problem.startswith(start):
            return f"{meaning}（{problem}）", at_opening
    return f"无法解析（{problem}）", False


class _Converter:
    def __init__(self, first_line: int, limit: int) -> None:
        self.first_line = first_line
        self.limit = limit
        self.lines: dict[KeyPath, int] = {}
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def convert(self, node: yaml.Node, path: KeyPath) -> Any:
        self.count += 1
        if self.count > self.limit:
            raise SourceError(self.first_line + node.start_mark.line, RULES.yaml_too_large, "YAML 内容过大或含有层层嵌套的别名（alias），已拒绝读取")
        self.lines.setdefault(path, self.first_line + node.start_mark.line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._construct(node)

    def _construct(self, node: yaml.Node) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, TypeError, yaml.YAMLError):
            line = self.first_line + node.start_mark.line
            if node.tag == "tag:yaml.org,2002:timestamp":  # looks like a date and is not one: 2023-02-30
                raise SourceError(line, RULES.invalid_date, f"日期 “{node.value}” 不存在：请核对年、月、日（应写成 2024-01-20 的形式）") from None
            if not node.tag.startswith("tag:yaml.org,2002:"):
                raise SourceError(line, RULES.yaml_value, f"不支持的 YAML 标签 “{node.tag}”：请去掉以 “!” 开头的标记") from None
            shown = node.value if isinstance(node, yaml.ScalarNode) else node.tag
            raise SourceError(line, RULES.yaml_value, f"无法识别的值 “{shown}”") from None

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        explicit = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        try:
            self.constructor.flatten_mapping(node)  # resolves `<<` merge keys; merged pairs come first
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or node.start_mark
            raise SourceError(self.first_line + mark.line, RULES.yaml_syntax, "YAML 合并键（<<）后面应是一组“键: 值”或其别名") from None
        merged = len(node.value) - explicit
        result: dict[Any, Any] = {}
        written: set[Any] = set()  # keys written out here; merged-in ones may be overridden
        for index, (key_node, value_node) in enumerate(node.value):
            key = self._construct(key_node)
            if not isinstance(key, (str, int)):
                key = str(key)
            if index >= merged and key in written:
                raise SourceError(
                    self.first_line + key_node.start_mark.line,
                    RULES.duplicate_key,
                    f"键 “{key}” 重复出现：同一层级的每个键只能写一次",
                )
            if index >= merged:
                written.add(key)
            self.lines[(*path, key)] = self.first_line + key_node.start_mark.line
            result[key] = self.convert(value_node, (*path, key))
        return result


def unknown_keys(data: dict[str, Any], known: tuple[str, ...], source: Source, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """A problem for each key of the mapping `data` (at `prefix` in its file) that is not one of `known`."""
    return [
        source.problem(RULES.unknown_key, f"未知的键 “{key}”{suggestion(str(key), known)}", *prefix, key)
        for key in data
        if key not in known
    ]


def text_of(value: Any) -> str:
    """A YAML value as the text it reads as, trimmed; "" for nothing."""
    return "" if value is None else str(value).strip()
