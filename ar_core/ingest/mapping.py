"""Mapping files (YAML) for extracts that are not FBL5N: which source header feeds which column.

Other ERPs (Exact Online, DATEV, Business Central, home-grown reports) export receivables with
their own headers and conventions. A mapping names, per canonical column, the source header or a
constant, plus date format and separators. It is checked when loaded, so a typo fails at once
with a clear message instead of rejecting every row of the next upload.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import yaml

from ar_core.errors import ConfigError
from ar_core.ingest.labels import EXTRA_COLUMNS
from ar_core.schema import ITEM_COLUMNS

#: Canonical columns a mapping may fill (source_row is the reader's own).
MAPPABLE: tuple[str, ...] = tuple(c for c in ITEM_COLUMNS if c != "source_row") + EXTRA_COLUMNS
DELIMITER_ALIASES = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}
_KEYS = {"columns", "constants", "date_format", "decimal", "thousands", "delimiter", "sheet", "skip_rows"}
_THOUSANDS = {"", ",", ".", " ", "'", "\u00a0"}


@dataclass
class Mapping:
    """A generic CSV/XLSX mapping; invalid content raises ConfigError (misuse, not bad input)."""

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    decimal: str = "."
    thousands: str = ","
    delimiter: str | None = None
    sheet: str | int | None = None
    skip_rows: int | None = None  # lines above the header row; None = find the header

    def __post_init__(self) -> None:
        self.columns = {str(k): str(v) for k, v in (self.columns or {}).items()}
        self.constants = {str(k): str(v) for k, v in (self.constants or {}).items()}
        for section in (self.columns, self.constants):
            unknown = sorted(set(section) - set(MAPPABLE))
            if unknown:
                raise ConfigError(
                    f"unknown column(s) in mapping: {', '.join(unknown)}; "
                    f"known columns: {', '.join(MAPPABLE)}"
                )
        both = sorted(set(self.columns) & set(self.constants))
        if both:
            raise ConfigError(f"mapped to a source header and given as a constant: {', '.join(both)}")
        empty = sorted(k for k, v in self.columns.items() if not v.strip())
        if empty:
            raise ConfigError(f"no source header given for: {', '.join(empty)}")
        if self.date_format is not None and "%" not in str(self.date_format):
            raise ConfigError(
                f"date_format {self.date_format!r} is not a strftime pattern such as '%d.%m.%Y'"
            )
        if self.decimal not in {".", ","}:
            raise ConfigError(f"decimal must be '.' or ',', not {self.decimal!r}")
        if self.thousands is None:
            self.thousands = ""
        if self.thousands not in _THOUSANDS or self.thousands == self.decimal:
            raise ConfigError(f"thousands separator {self.thousands!r} does not fit decimal {self.decimal!r}")
        if self.delimiter is not None:
            self.delimiter = DELIMITER_ALIASES.get(self.delimiter, self.delimiter)
            if len(self.delimiter) != 1:
                raise ConfigError(
                    f"delimiter must be one character (or tab/semicolon/comma/pipe), not {self.delimiter!r}"
                )
        if self.skip_rows is not None and (not isinstance(self.skip_rows, int) or self.skip_rows < 0):
            raise ConfigError(f"skip_rows must be a whole number >= 0, not {self.skip_rows!r}")

    @classmethod
    def from_yaml(cls, text: str) -> Mapping:
        """Load a mapping; ConfigError names what is wrong (YAML syntax, unknown key or column)."""
        try:
            data: Any = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"the mapping is not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError("the mapping must be a YAML mapping with at least 'columns'")
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise ConfigError(
                f"unknown key(s) in mapping: {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}"
            )
        for section in ("columns", "constants"):
            if data.get(section) is not None and not isinstance(data[section], dict):
                raise ConfigError(f"'{section}' must map column names to values")
        return cls(**data)

    def to_yaml(self) -> str:
        """The mapping as YAML, defaults left out, readable in an editor (umlauts kept)."""
        data = {k: v for k, v in asdict(self).items() if v not in (None, {}) or k == "columns"}
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
