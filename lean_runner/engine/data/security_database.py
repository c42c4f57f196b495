"""Industry identifiers of securities (``symbol-properties/security-database.csv``; LEAN's
``SecurityDefinitionSymbolResolver``): rows of ``SID,CUSIP,CompositeFIGI,SEDOL,ISIN,CIK``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SecurityDefinition:
    cusip: str | None
    composite_figi: str | None
    sedol: str | None
    isin: str | None
    cik: int | None


class SecurityDatabase:
    """SID string -> its identifiers; an empty database when the file is absent."""

    def __init__(self, definitions: dict[str, SecurityDefinition]) -> None:
        self._definitions = definitions

    @classmethod
    def load(cls, data_folder: Path) -> SecurityDatabase:
        path = Path(data_folder) / "symbol-properties" / "security-database.csv"
        definitions: dict[str, SecurityDefinition] = {}
        if path.is_file():
            with open(path, newline="") as handle:
                for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#")):
                    if len(row) < 6:
                        continue
                    sid, cusip, figi, sedol, isin, cik = (cell.strip() for cell in row[:6])
                    definitions[sid] = SecurityDefinition(cusip or None, figi or None, sedol or None,
                                                          isin or None, int(cik) if cik.isdigit() else None)
        return cls(definitions)

    def get(self, sid: str) -> SecurityDefinition | None:
        return self._definitions.get(sid)
