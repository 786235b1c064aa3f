"""The official report formats, as data: `schema` says what a table, block, row,
column and arithmetic rule are (import the types from there); `official` holds
the formats themselves, and this package gives their names.

Everything that knows an official label, a row key, a column or a rule reads
it from here: validation, rendering, the JSON export, `xxgk new` and import.
"""

from .official import (
    CROSS_YEAR_RULES,
    FIRST_YEAR,
    FORMATS,
    GOVERNMENT_LEVELS,
    KEY_FIGURE_LABELS,
    LEVELS,
    REPORT_TITLE,
    SECTIONS,
    format_for_year,
    publication_deadline,
    sections_after_tables,
)

__all__ = [
    "CROSS_YEAR_RULES", "FIRST_YEAR", "FORMATS", "GOVERNMENT_LEVELS", "KEY_FIGURE_LABELS", "LEVELS", "REPORT_TITLE", "SECTIONS",
    "format_for_year", "publication_deadline", "sections_after_tables",
]
