"""The HTML table reader of a paste from Word or a browser (ui/clipboard.py imports it on first use)."""
from __future__ import annotations

from html.parser import HTMLParser

from cchc_desktop.text import clean_cell


class TableParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._spans: dict[int, tuple[str, int]] = {}  # column -> (text, rows left) for rowspan

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self._row = []
            self._fill_spans()
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._colspan = int(attrs.get("colspan") or 1)
            self._rowspan = int(attrs.get("rowspan") or 1)
        elif tag in ("br",) and self._cell is not None:
            self._cell.append("\n")
        elif tag == "p" and self._cell is not None and self._cell:
            self._cell.append("\n")

    def _fill_spans(self):
        while len(self._row) in self._spans:
            col = len(self._row)
            text, left = self._spans[col]
            self._row.append("")  # a vertically merged cell: continuation row shows it empty
            if left <= 1:
                del self._spans[col]
            else:
                self._spans[col] = (text, left - 1)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = clean_cell("".join(self._cell))
            col = len(self._row)
            self._row.append(text)
            if self._rowspan > 1:
                self._spans[col] = (text, self._rowspan - 1)
            self._row.extend([""] * (self._colspan - 1))
            self._cell = None
            self._fill_spans()
        elif tag == "tr" and self._row is not None:
            self._fill_spans()
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
