"""The bordered report table behind :func:`layout.grid_table`, laid out once and drawn directly.

reportlab's ``Table`` re-measures every cell each time a frame asks for its size or splits it (three to four
times per cell in a 60-page appendix) and draws each cell through a save/translate/restore round trip. This table
measures each row once (cells broken into lines with cached word widths; equal texts of one table broken once),
splits itself into per-page parts that share the measured rows, and draws a page as one text object plus one
path of rules. A line whose characters all have their font-subset code already is encoded with one
``str.translate`` (:class:`_SubsetEncoder`) instead of reportlab's per-character loop: the same bytes.

It reproduces what ``Table`` + ``Paragraph`` produced (the same pages, line for line):

* :class:`TextCell` breaks plain text exactly like a single-style ``Paragraph`` (greedy, with reportlab's 5 %
  space shrinkage drawn as negative word spacing); text that needs anything else (a word wider than the cell,
  blank lines) is handed to a real ``Paragraph``. Any other flowable is kept as it is (:class:`FlowCell`).
* row heights follow ``Table._calc_height``: content + padding, at least one 1.2 × size line for an empty cell,
  the height a row-spanning cell needs shared out over its rows;
* page breaks follow ``Table._splitRows``: the last row boundary that fits, never inside a spanned group or
  between rows glued together (a section title and its first row); header rows repeat on every part;
* a row taller than ``max_row_height`` may be split inside the row (``Table``'s in-row split);
* rules: the outer box, the column rules (not through full-width section rows), one rule under each row except
  in the columns of a merged group.
"""
from __future__ import annotations

from itertools import islice
from typing import Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import split as _rl_split, strip as _rl_strip

from .markup import markup

__all__ = ["TextCell", "FlowCell", "GridRow", "PagedGrid"]

_FUZZ = 1e-6
_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}


def _width_cache(font: str, size: float) -> dict[str, float]:
    cache = _WIDTHS.get((font, size))
    if cache is None:
        cache = _WIDTHS[(font, size)] = {}
    return cache


def word_width(word: str, font: str, size: float) -> float:
    """stringWidth with a per-(font, size) cache: report tables repeat the same words thousands of times."""
    cache = _width_cache(font, size)
    width = cache.get(word)
    if width is None:
        width = cache[word] = getFont(font).stringWidth(word, size)
    return width


class TextCell:
    """Plain text in one style, broken into lines like a single-style reportlab Paragraph.

    ``text`` is plain (not markup), already NFC with runs of spaces turned into no-break spaces (see
    :func:`markup.markup`); "\\n" starts a new line. Lines are computed once per width; cells given the same
    ``memo`` dict (one table) share the lines of equal texts in equal styles and widths (a table repeats its
    agencies, deadlines and states hundreds of times).
    """

    __slots__ = ("text", "style", "_width", "_lines", "_para", "_memo")

    def __init__(self, text: str, style: ParagraphStyle, memo: dict | None = None):
        self.text = text
        self.style = style
        self._memo = memo
        self._width: float | None = None
        self._lines: list[tuple[str, float, int]] = []  # (text, extra space, spaces) per line
        self._para: Paragraph | None = None  # the Paragraph fallback

    # ------------------------------------------------------------------ layout

    def _break(self, width: float) -> list[tuple[str, float, int]] | None:
        """Lines of a kind-0 Paragraph (Paragraph.breakLines), or None when only a Paragraph can tell."""
        style = self.style
        font, size = style.fontName, style.fontSize
        widths = _width_cache(font, size)
        measure = getFont(font).stringWidth
        space = word_width(" ", font, size)
        shrink = style.spaceShrinkage * space
        out: list[tuple[str, float, int]] = []
        segments = self.text.split("\n")
        for segment in segments:
            words = _rl_split(_rl_strip(segment))
            if not words:
                if len(segments) > 1:
                    return None  # blank line: a Paragraph decides
                continue
            line: list[str] = []
            n = 0   # words on the line
            current = -space
            limit = width   # width + shrink × words on the line
            for word in words:
                ww = widths.get(word)
                if ww is None:
                    ww = widths[word] = measure(word, size)
                new = current + space + ww
                if new > limit:
                    if ww > width:
                        return None  # a word longer than the cell: Paragraph splits it
                    if n:
                        out.append((" ".join(line), width - current, n - 1))
                        line, current, n, limit = [word], ww, 1, width + shrink
                        continue
                line.append(word)
                current = new
                n += 1
                limit = width + shrink * n
            if line:
                out.append((" ".join(line), width - current, n - 1))
        return out

    def layout(self, width: float) -> None:
        if self._width == width:
            return
        self._width = width
        memo = self._memo
        if memo is None:
            lines = self._break(width)
        else:
            style = self.style
            key = (self.text, style.fontName, style.fontSize, style.spaceShrinkage, width)
            lines = memo.get(key, False)
            if lines is False:
                lines = memo[key] = self._break(width)
        if lines is None:
            self._para = Paragraph(markup(self.text), self.style)
            self._para.wrap(width, 1e9)
            self._lines = []
        else:
            self._para = None
            self._lines = lines

    def height(self, width: float) -> float:
        self.layout(width)
        if self._para is not None:
            return self._para.height
        return len(self._lines) * self.style.leading

    def split(self, width: float, height: float) -> tuple[object, object] | None:
        """(top, rest) with the lines that fit in ``height`` (Paragraph.split: no single orphan line)."""
        self.layout(width)
        if self._para is not None:
            parts = self._para.split(width, height)
            if len(parts) != 2:
                return None
            return FlowCell([parts[0]]), FlowCell([parts[1]])
        fit = int(height / float(self.style.leading))
        if fit <= 1 or height < _FUZZ:
            return None
        if fit >= len(self._lines):
            return self, None
        top = TextCell(self.text, self.style)
        rest = TextCell(self.text, self.style)
        top._width = rest._width = width
        top._lines, rest._lines = self._lines[:fit], self._lines[fit:]
        return top, rest

    def plain_text(self) -> str:
        return self.text

    # ------------------------------------------------------------------ drawing

    def emit(self, canv, out: "_TextOut", x: float, top: float) -> None:
        """Lines with their first baseline one font size below ``top`` (a Paragraph's first baseline)."""
        if self._para is not None:
            self._para.drawOn(canv, x, top - self._para.height)
            return
        style = self.style
        centred = style.alignment == TA_CENTER
        y = top - style.fontSize
        leading = style.leading
        for text, extra, spaces in self._lines:
            if extra > -1e-8 or spaces + text.count("\xa0") <= 0:
                out.line(style.fontName, style.fontSize, x + (0.5 * extra if centred else 0.0), y, text, 0.0)
            else:
                out.line(style.fontName, style.fontSize, x, y, text, extra / float(spaces + text.count("\xa0")))
            y -= leading


class FlowCell:
    """A cell holding ready-made flowables (stacked as reportlab's Table stacks a list cell)."""

    __slots__ = ("flowables", "_width", "_sizes", "_height")

    def __init__(self, flowables: Sequence[Flowable]):
        self.flowables = list(flowables)
        self._width: float | None = None
        self._sizes: list[float] = []
        self._height = 0.0

    def height(self, width: float) -> float:
        if self._width != width:
            self._width = width
            self._sizes = [f.wrap(width, 72000)[1] for f in self.flowables]
            total = 0.0
            for f, h in zip(self.flowables, self._sizes):
                total += h + f.getSpaceBefore() + f.getSpaceAfter()
            if self.flowables:
                total -= self.flowables[0].getSpaceBefore() + self.flowables[-1].getSpaceAfter()
            self._height = total
        return self._height

    def split(self, width: float, height: float) -> tuple[object, object] | None:
        """Table._splitCell for a list cell: whole flowables while they fit, then one flowable split."""
        self.height(width)
        top: list[Flowable] = []
        rest: list[Flowable] = []
        used = 0.0
        attempted = False
        for f, h in zip(self.flowables, self._sizes):
            if attempted:
                rest.append(f)
            elif used + h + f.getSpaceBefore() <= height:
                top.append(f)
                used += h + f.getSpaceBefore() + f.getSpaceAfter()
            else:
                parts = f.split(width, height - used - f.getSpaceBefore())
                if len(parts) == 2:
                    top.append(parts[0])
                    rest.append(parts[1])
                elif not top:
                    return None
                else:
                    rest.append(f)
                attempted = True
        return FlowCell(top), (FlowCell(rest) if rest else None)

    def plain_text(self) -> str:
        return " ".join(f.getPlainText() for f in self.flowables if hasattr(f, "getPlainText"))

    def emit(self, canv, out: "_TextOut", x: float, top: float) -> None:
        self.height(self._width if self._width is not None else 0)
        y = top
        if self.flowables:
            y += self.flowables[0].getSpaceBefore()
        for f, h in zip(self.flowables, self._sizes):
            y -= f.getSpaceBefore() + h
            f.drawOn(canv, x, y)
            y -= f.getSpaceAfter()


EMPTY = ""  # an empty cell: reportlab still gives it one 1.2 × size line


def _blank(cell) -> bool:
    return cell is None or cell == EMPTY or (isinstance(cell, FlowCell) and not cell.flowables)


class GridRow:
    """One table row: its cells (a cell, EMPTY, or None where a span covers it) and how it joins the next."""

    __slots__ = ("cells", "height", "middle", "full_span", "spans", "open_cols", "glue_prev", "continuation",
                 "giant", "split_cont")

    def __init__(self, cells: list, *, middle: bool = False, full_span: bool = False):
        self.cells = cells
        self.height = 0.0
        self.middle = middle  # header rows: vertically centred
        self.full_span = full_span  # a section title across the whole width
        self.spans: dict[int, int] = {}  # column -> rows spanned, on the first row of a spanned group
        self.open_cols: frozenset[int] = frozenset()  # columns without a rule under this row
        self.glue_prev = False  # no page break between the previous row and this one
        self.continuation: dict[int, object] | None = None  # cells shown when a page starts with this row
        self.giant = False  # may be split inside the row
        self.split_cont: dict[int, object] | None = None  # cells repeated below an in-row split (STT, task …)

    def copy(self, cells: list | None = None) -> "GridRow":
        row = GridRow(list(self.cells) if cells is None else cells, middle=self.middle, full_span=self.full_span)
        row.height, row.spans, row.open_cols = self.height, self.spans, self.open_cols
        row.glue_prev, row.continuation, row.giant = self.glue_prev, self.continuation, self.giant
        row.split_cont = self.split_cont
        return row


class _SubsetEncoder:
    """The bytes ``TTFont.splitString`` gives a line whose characters all have a code already, without its
    per-character loop.

    A TrueType font is embedded as subsets of up to 256 glyphs, each character getting its code the first time
    it is drawn in the document (``state.assignments``, which only grows). A line whose characters all sit in one
    subset is translated in one ``str.translate``; any other line (a new character, several subsets, a character
    the font lacks, an empty line) goes through reportlab itself, so the PDF is the same byte for byte.
    """

    __slots__ = ("assignments", "seen", "tables", "known", "done")

    def __init__(self, assignments: dict[int, int]):
        self.assignments = assignments
        self.seen = 0
        self.done: dict[str, tuple[int, str]] = {}   # lines already encoded (their codes never change)
        self.tables: list[dict[int, str]] = []   # per subset: character -> its one-byte code
        self.known: list[set[str]] = []          # per subset: the characters it holds

    def _sync(self) -> None:
        assignments = self.assignments
        if len(assignments) == self.seen:
            return
        for code, n in islice(assignments.items(), self.seen, None):
            self._add(code, n)
            if code == 32:   # splitString draws a no-break space as a space
                self._add(0xA0, n)
        self.seen = len(assignments)

    def _add(self, code: int, n: int) -> None:
        subset = n >> 8
        while len(self.tables) <= subset:
            self.tables.append({})
            self.known.append(set())
        self.tables[subset][code] = chr(n & 0xFF)
        self.known[subset].add(chr(code))

    def shown(self, text: str) -> tuple[int, str] | None:
        """(subset, the ``(…) Tj`` operator showing ``text``), or None when reportlab must encode it."""
        found = self.done.get(text)
        if found is not None:
            return found
        if len(self.assignments) != self.seen:
            self._sync()
        chars = set(text)
        for subset, known in enumerate(self.known):
            if chars <= known:
                data = text.translate(self.tables[subset]).encode("latin-1")
                found = self.done[text] = (subset, f"({escapePDF(data)}) Tj")
                return found
        return None


class _TextOut:
    """Collects text lines of a page into one PDF text object."""

    def __init__(self, canv):
        self.canv = canv
        self.tx = canv.beginText()
        self.font: tuple[str, float] | None = None
        self.count = 0
        self._encoder: _SubsetEncoder | None = None
        self._ttf = None
        self._bottomup = bool(canv.bottomup)
        # one encoder per font and document, kept on the canvas (one canvas per document build)
        self._encoders: dict[str, _SubsetEncoder | None] = canv.__dict__.setdefault("_cchc_encoders", {})

    def _font_encoder(self, font: str) -> _SubsetEncoder | None:
        encoder = self._encoders.get(font)
        if encoder is None:
            face = getFont(font)
            state = getattr(face, "state", {}).get(self.canv._doc) if isinstance(face, TTFont) else None
            if state is None or getattr(face.face, "_full_font", False):
                return None   # reportlab makes the state on the font's first line (or a font without subsets)
            self._ttf = face
            encoder = self._encoders[font] = _SubsetEncoder(state.assignments)
        else:
            self._ttf = getFont(font)
        return encoder

    def line(self, font: str, size: float, x: float, y: float, text: str, word_space: float) -> None:
        tx = self.tx
        if self.font != (font, size):
            tx.setFont(font, size)
            self.font = (font, size)
            self._encoder = None
        if self._bottomup:   # TextObject.setTextOrigin / setWordSpace, without the method calls
            tx._code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
            tx._x0 = tx._x = x
            tx._y0 = tx._y = y
        else:
            tx.setTextOrigin(x, y)
        if word_space:
            tx.setWordSpace(word_space)
        # tx._textOut(text, 0), with the subset codes from the encoder when it knows every character
        encoder = self._encoder
        if encoder is None:
            encoder = self._encoder = self._font_encoder(font)
        found = encoder.shown(text) if encoder is not None and text else None
        if found is None:
            tx._textOut(text, 0)
        elif found[0] == tx._curSubset:
            tx._code.append(found[1])
        else:   # what TextObject._formatText writes when the subset changes
            name = self._ttf.getSubsetInternalName(found[0], self.canv._doc)
            tx._code.append(f"{name} {fp_str(tx._fontsize)} Tf {fp_str(tx._leading)} TL {found[1]}")
            tx._curSubset = found[0]
        if word_space:
            tx.setWordSpace(0)
        self.count += 1

    def flush(self) -> None:
        if self.count:
            self.canv.drawText(self.tx)


class PagedGrid(Flowable):
    """A bordered table of :class:`GridRow` rows; ``header`` rows are repeated at the top of every part."""

    def __init__(self, col_widths: Sequence[float], header: list[GridRow], body: list[GridRow], *,
                 font_size: float, pad_lr: float = 3, pad_top: float = 2, pad_bottom: float = 3,
                 rule_thickness: float = 0.5, max_row_height: float = 1e9, split_in_row: float = 0,
                 measured: bool = False, hAlign: str = "CENTER"):
        super().__init__()
        self.col_widths = list(col_widths)
        self.header = header
        self.body = body
        self.font_size = font_size
        self.pad_lr, self.pad_top, self.pad_bottom = pad_lr, pad_top, pad_bottom
        self.rule_thickness = rule_thickness
        self.max_row_height = max_row_height
        self.split_in_row = split_in_row
        self.hAlign = hAlign
        self._positions = [0.0]
        for w in self.col_widths:
            self._positions.append(self._positions[-1] + w)
        self.width = self._positions[-1]
        if not measured:
            self._measure(self.header)
            self._measure(self.body)
        self.height = sum(r.height for r in self.header) + sum(r.height for r in self.body)

    @property
    def repeatRows(self) -> int:  # the name reportlab's Table uses
        return len(self.header)

    # ------------------------------------------------------------------ measuring

    def _cell_width(self, row: GridRow, col: int) -> float:
        if row.full_span:
            return self.width - 2 * self.pad_lr
        return self.col_widths[col] - 2 * self.pad_lr

    def _cell_height(self, row: GridRow, col: int) -> float:
        """Content + padding of one visible cell (Table._calc_height)."""
        cell = row.cells[col]
        pads = self.pad_top + self.pad_bottom
        if cell is None:
            return 0.0
        if isinstance(cell, str):
            return 1.2 * self.font_size * len(cell.split("\n")) + pads
        return cell.height(self._cell_width(row, col)) + pads

    def _row_height(self, row: GridRow) -> float:
        height = 0.0
        for col, cell in enumerate(row.cells):
            if cell is None or col in row.spans:
                continue
            if row.full_span and col > 0:
                height = max(height, 1.2 * self.font_size + self.pad_top + self.pad_bottom)
                continue
            height = max(height, self._cell_height(row, col))
        return height

    def _measure(self, rows: list[GridRow]) -> None:
        for row in rows:
            row.height = self._row_height(row)
        # a spanning cell taller than its rows: the shortfall is shared out equally (reportlab's spanFixDim)
        needs = []
        for i, row in enumerate(rows):
            for col, n in row.spans.items():
                needs.append((self._cell_height(row, col), i, i + n - 1))
        extra: dict[int, float] = {}
        for need, first, last in sorted(needs, key=lambda t: (t[0], (t[1], t[2])), reverse=True):
            have = sum(rows[r].height + extra.get(r, 0.0) for r in range(first, last + 1))
            if have >= need - _FUZZ:
                continue
            share = (need - have) / (last - first + 1)
            for r in range(first, last + 1):
                extra[r] = extra.get(r, 0.0) + share
        for r, add in extra.items():
            rows[r].height += add

    # ------------------------------------------------------------------ splitting

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def _part(self, body: list[GridRow]) -> "PagedGrid":
        part = PagedGrid(self.col_widths, self.header, body, font_size=self.font_size, pad_lr=self.pad_lr,
                         pad_top=self.pad_top, pad_bottom=self.pad_bottom, rule_thickness=self.rule_thickness,
                         max_row_height=self.max_row_height, split_in_row=self.split_in_row, measured=True,
                         hAlign=self.hAlign)
        return part

    def _rest(self, body: list[GridRow]) -> "PagedGrid":
        """The part after a page break: the first row shows its continuation cells ("(tiếp theo)")."""
        if body and body[0].continuation:
            row = body[0]
            cells = list(row.cells)
            for col, cell in row.continuation.items():
                cells[col] = cell
            first = row.copy(cells)
            first.continuation = None
            first.height = self._row_height(first)
            body = [first] + body[1:]
        return self._part(body)

    def split(self, availWidth, availHeight):
        head = sum(r.height for r in self.header)
        if self.split_in_row:
            used = head
            for k, row in enumerate(self.body):
                if used + row.height > availHeight:
                    if row.height > self.max_row_height:
                        parts = self._split_in_row(k, used, availHeight)
                        if parts:
                            return parts
                    break
                used += row.height
        used, fit = head, 0
        for k, row in enumerate(self.body):
            if used + row.height > availHeight:
                break
            used += row.height
            if k + 1 == len(self.body) or not self.body[k + 1].glue_prev:
                fit = k + 1
        else:
            return [self]
        if fit == 0:
            return []
        return [self._part(self.body[:fit]), self._rest(self.body[fit:])]

    def _split_in_row(self, k: int, used: float, avail: float) -> list:
        """Table._splitRows(doInRowSplit=1) for row ``k``: its top on this page, the rest on the next."""
        row = self.body[k]
        line = 1.2 * self.font_size
        has_empty = any(isinstance(c, str) for c in row.cells)
        min_split = line + self.pad_top if has_empty else 0.0
        max_split = line + self.pad_bottom if has_empty else 0.0
        if min_split + max_split > row.height or min_split > avail - used:
            return []
        full = max(self._cell_height(row, c) for c in range(len(row.cells)))
        split_point = min(avail - used, full - max_split)
        if split_point + 1 < self.split_in_row or self.height - split_point < self.split_in_row:
            return []
        pads = self.pad_top + self.pad_bottom
        top_cells, rest_cells = [], []
        top_h = rest_h = 0.0
        for col, cell in enumerate(row.cells):
            width = self._cell_width(row, col)
            if isinstance(cell, str) or cell is None:
                top, rest = cell, cell
                h0 = h1 = 0.0 if cell is None else line * len(cell.split("\n")) + pads
            else:
                h = cell.height(width)
                if h <= split_point - self.pad_top:
                    top, rest = cell, None
                else:
                    parts = cell.split(width, split_point - self.pad_top)
                    if parts is None:
                        return []
                    top, rest = parts
                h0 = (top.height(width) if top is not None else 0.0) + pads
                h1 = (rest.height(width) if rest is not None else 0.0) + pads
                top = top if top is not None else FlowCell([])
                rest = rest if rest is not None else FlowCell([])
            if row.split_cont and col in row.split_cont and _blank(rest):
                # the continuation repeats the STT and the task text "(tiếp theo)", so the page reads on its own
                rest = row.split_cont[col]
                h1 = rest.height(width) + pads
            top_cells.append(top)
            rest_cells.append(rest)
            top_h, rest_h = max(top_h, h0), max(rest_h, h1)
        upper = row.copy(top_cells)
        lower = row.copy(rest_cells)
        upper.height = min(split_point, top_h)
        lower.height = max(rest_h, row.height - upper.height)
        lower.glue_prev = False
        lower.continuation = None
        return [self._part(self.body[:k] + [upper]), self._part([lower] + self.body[k + 1:])]

    # ------------------------------------------------------------------ drawing

    def draw(self):
        canv = self.canv
        rows = self.header + self.body
        pos = self._positions
        ncols = len(self.col_widths)
        tops = []
        y = self.height
        for row in rows:
            tops.append(y)
            y -= row.height
        bottoms = tops[1:] + [0.0]

        canv.saveState()
        canv.setFillColor(colors.black)
        out = _TextOut(canv)
        nh = len(self.header)
        for i, row in enumerate(rows):
            for col, cell in enumerate(row.cells):
                if cell is None or isinstance(cell, str):
                    continue
                if row.full_span and col > 0:
                    continue
                x = pos[col] + self.pad_lr
                if col in row.spans:
                    top = tops[i] - self.pad_top  # spanned cells are top-aligned over their rows
                elif row.middle:
                    h = cell.height(self._cell_width(row, col))
                    top = bottoms[i] + (row.height + self.pad_bottom - self.pad_top + h) / 2.0
                else:
                    top = tops[i] - self.pad_top
                cell.emit(canv, out, x, top)
        out.flush()

        # rules: one path, round caps and joins like reportlab's table lines
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(self.rule_thickness)
        canv.setLineCap(1)
        canv.setLineJoin(1)
        segments: list[tuple[float, float, float, float]] = []
        width, height = pos[-1], self.height
        segments += [(0, height, width, height), (0, 0, width, 0), (0, 0, 0, height), (width, 0, width, height)]
        # column rules, interrupted by full-width rows
        for col in range(1, ncols):
            x = pos[col]
            start = None  # top of the current run
            for i, row in enumerate(rows):
                if row.full_span:
                    if start is not None:
                        segments.append((x, tops[i], x, start))
                        start = None
                elif start is None:
                    start = tops[i]
            if start is not None:
                segments.append((x, 0.0, x, start))
        # a rule under each row, left out in the columns a group merges
        covered: dict[int, set[int]] = {}  # row -> columns of a spanned cell continuing below it
        for i, row in enumerate(rows):
            for col, n in row.spans.items():
                for r in range(i, min(i + n - 1, len(rows) - 1)):
                    covered.setdefault(r, set()).add(col)
        for i, row in enumerate(rows[:-1]):
            gaps = row.open_cols | covered.get(i, set())
            y = bottoms[i]
            if not gaps:
                segments.append((0, y, width, y))
                continue
            run = None
            for col in range(ncols):
                if col in gaps:
                    if run is not None:
                        segments.append((pos[run], y, pos[col], y))
                        run = None
                elif run is None:
                    run = col
            if run is not None:
                segments.append((pos[run], y, width, y))
        canv.lines(segments)
        canv.restoreState()

    def plain_rows(self) -> list[list[str]]:
        """Cell texts per row (tests, debugging)."""
        return [["" if c is None or isinstance(c, str) else c.plain_text() for c in r.cells]
                for r in self.header + self.body]
