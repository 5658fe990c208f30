"""Clipboard formats: copy rows as TSV + HTML (Excel and Word paste them as a table) and read
blocks copied from Excel (TSV with quoted multi-line cells) or Word (HTML table)."""
from __future__ import annotations

import html

from PySide6.QtCore import QMimeData

from cchc_desktop.text import clean_cell

from .columns import COL_DEADLINE, COL_STT, COLUMN_COUNT, HEADERS, KIND_SECTION

OFFICIAL_COLUMNS = list(range(COL_STT, COL_DEADLINE + 1))  # the six columns of the printed appendix
IMPORT_HEADER = "\t".join(["TT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì",
                           "Cơ quan phối hợp", "Thời gian thực hiện"])


def _cell_text(model, row: int, col: int) -> str:
    value = model.data(model.index(row, col))
    return "" if value is None else str(value)


def _tsv_field(text: str) -> str:
    if any(ch in text for ch in ("\t", "\n", '"')):
        return '"' + text.replace('"', '""') + '"'
    return text


def rows_to_tsv(model, rows: list[int], columns: list[int] | None = None) -> str:
    columns = columns if columns is not None else OFFICIAL_COLUMNS
    lines = []
    for row in rows:
        info = model.row_info(row)
        if info is not None and info.kind == KIND_SECTION and columns and columns[0] == COL_STT:
            lines.append(_tsv_field(info.section.label) + "\t" * (len(columns) - 1))
            continue
        lines.append("\t".join(_tsv_field(_cell_text(model, row, c)) for c in columns))
    return "\r\n".join(lines) + ("\r\n" if lines else "")


def rows_to_html(model, rows: list[int], columns: list[int] | None = None) -> str:
    """An HTML table with the appendix header; sections span the row, task cells span their group."""
    columns = columns if columns is not None else OFFICIAL_COLUMNS
    style = "border:1px solid #000;padding:2pt 4pt;vertical-align:top"
    out = ['<html><head><meta charset="utf-8"></head><body>',
           '<table border="1" cellspacing="0" style="border-collapse:collapse">', "<tr>"]
    out += [f'<th style="{style}">{html.escape(HEADERS[c])}</th>' for c in columns]
    out.append("</tr>")
    selected = set(rows)
    for row in rows:
        info = model.row_info(row)
        out.append("<tr>")
        if info is not None and info.kind == KIND_SECTION:
            out.append(f'<td colspan="{len(columns)}" style="{style}"><b>'
                       f'{html.escape(info.section.label)}</b></td></tr>')
            continue
        for col in columns:
            grouped = col in (0, 1) and info is not None
            if grouped and not info.first and (row - 1) in selected \
                    and model.row_info(row - 1).task is info.task:
                continue  # covered by the rowspan of the group's first row
            span = 1
            if grouped:
                nxt = row + 1
                while nxt in selected and model.row_info(nxt) is not None \
                        and model.row_info(nxt).task is info.task:
                    span += 1
                    nxt += 1
            if grouped:
                text = str(info.task.number) if col == 0 else info.task.content
            else:
                text = _cell_text(model, row, col)
            cell = html.escape(text).replace("\n", "<br>")
            attr = f' rowspan="{span}"' if span > 1 else ""
            out.append(f'<td{attr} style="{style}">{cell}</td>')
        out.append("</tr>")
    out.append("</table></body></html>")
    return "".join(out)


def make_mime(model, rows: list[int], columns: list[int] | None = None) -> QMimeData:
    mime = QMimeData()
    mime.setText(rows_to_tsv(model, rows, columns))
    mime.setHtml(rows_to_html(model, rows, columns))
    return mime


# -- reading ------------------------------------------------------------------------------------
def parse_tsv(text: str) -> list[list[str]]:
    """Excel's text format: tab-separated, rows by newline, quoted cells may hold tabs/newlines (the
    importer's reader, so pasting and importing read the same text the same way)."""
    from cchc_desktop.importers.text_reader import parse_tsv_rows

    rows = parse_tsv_rows(text, file="Dữ liệu dán")
    return [[clean_cell(c) for c in (r.cells or [""])] for r in rows]


def parse_html_table(markup: str) -> list[list[str]]:
    from .clipboard_html import TableParser   # html.parser only when HTML is pasted (issue 18)

    parser = TableParser()
    parser.feed(markup)
    return parser.rows


def block_from_mime(mime: QMimeData) -> list[list[str]]:
    """The pasted block as rows of cells; HTML tables (Word) first, then text (Excel, plain)."""
    if mime.hasHtml() and "<table" in mime.html().lower():
        rows = parse_html_table(mime.html())
        if rows:
            return rows
    if mime.hasText():
        text = mime.text()
        if text.strip():
            return parse_tsv(text)
    return []


def block_to_tsv(block: list[list[str]]) -> str:
    return "\n".join("\t".join(_tsv_field(c) for c in row) for row in block) + "\n"


def looks_like_header(row: list[str]) -> bool:
    from cchc_desktop.text import fold
    joined = fold(" ".join(row))
    return "noi dung" in joined or ("nhiem vu" in joined and "co quan" in joined)


def block_to_import_text(block: list[list[str]]) -> str:
    """Text for the importer: the pasted block, with the appendix header added when it has none.

    A block of fewer than six columns is taken to start at "Nội dung/Nhiệm vụ" (no STT)."""
    rows = [list(r) for r in block if any(c.strip() for c in r)]
    if rows and looks_like_header(rows[0]):
        return block_to_tsv(rows)
    width = max((len(r) for r in rows), default=0)
    if width < len(OFFICIAL_COLUMNS):
        rows = [[""] + r for r in rows]
    rows = [r + [""] * (len(OFFICIAL_COLUMNS) - len(r)) for r in rows]
    return IMPORT_HEADER + "\n" + block_to_tsv(rows)


__all__ = ["rows_to_tsv", "rows_to_html", "make_mime", "parse_tsv", "parse_html_table",
           "block_from_mime", "block_to_import_text", "COLUMN_COUNT"]
