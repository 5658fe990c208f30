"""In-app preview of the real PDF pages (QtPdf) and printing of those same pages (QtPrintSupport).

QPdfDocument.render() returns an image with a transparent background: every page is painted onto white before
it is shown or printed, so what the user sees is exactly what the PDF file holds.
"""
from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPalette, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

POINTS_PER_INCH = 72.0


class PdfPages:
    """A PDF held in memory (bytes) opened with QPdfDocument; renders pages on white."""

    def __init__(self, data: bytes):
        self.data = data
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self._bytes)
        self._buffer.open(QIODevice.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            raise ValueError("Không mở được tệp PDF vừa tạo.")

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def page_size_points(self, index: int):
        return self.document.pagePointSize(index)

    def is_landscape(self, index: int) -> bool:
        size = self.page_size_points(index)
        return size.width() > size.height()

    def render(self, index: int, dpi: float) -> QImage:
        """Page ``index`` at ``dpi`` on an opaque white background."""
        size = self.page_size_points(index)
        pixels = QSize(max(1, round(size.width() * dpi / POINTS_PER_INCH)),
                       max(1, round(size.height() * dpi / POINTS_PER_INCH)))
        page = self.document.render(index, pixels)
        white = QImage(pixels, QImage.Format_RGB32)
        white.fill(Qt.white)
        painter = QPainter(white)
        painter.drawImage(0, 0, page)
        painter.end()
        return white

    def close(self) -> None:
        self.document.close()
        self._buffer.close()


def print_pages(pages: PdfPages, printer, dpi: float = 300, progress=None) -> None:
    """Print every page of ``pages`` on ``printer`` (a QPrinter), each page in its own orientation.
    ``progress(done, total)`` is called after each page (e.g. ``BusyJob.progress``)."""
    page_range = range(pages.page_count)
    from_page, to_page = printer.fromPage(), printer.toPage()
    if from_page > 0 and to_page >= from_page:
        page_range = range(from_page - 1, min(to_page, pages.page_count))
    painter = None
    try:
        for n, index in enumerate(page_range):
            layout = QPageLayout(QPageSize(QPageSize.A4),
                                 QPageLayout.Landscape if pages.is_landscape(index) else QPageLayout.Portrait,
                                 QMarginsF(0, 0, 0, 0))
            printer.setPageLayout(layout)
            if painter is None:
                painter = QPainter()
                if not painter.begin(printer):
                    raise OSError("Không kết nối được với máy in.")
            elif not printer.newPage():
                raise OSError("Máy in từ chối trang mới.")
            image = pages.render(index, dpi)
            target = painter.viewport()
            scaled = image.size().scaled(target.size(), Qt.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), scaled.width(), scaled.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
            painter.setWindow(target)
            if progress:
                progress(n + 1, len(page_range))
    finally:
        if painter is not None:
            painter.end()


class PdfPreview(QScrollArea):
    """Scrollable column of rendered pages with a thin shadow border, grey backdrop."""

    def __init__(self, parent: QWidget | None = None, dpi: float = 60):
        super().__init__(parent)
        self.dpi = dpi
        self.pages: PdfPages | None = None
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignHCenter)
        palette = self.palette()
        palette.setColor(QPalette.Window, QColor(128, 128, 128))
        self.setBackgroundRole(QPalette.Window)
        self.setPalette(palette)
        self._host = QWidget()
        self._host.setAutoFillBackground(True)
        self._host.setPalette(palette)
        self._layout = QVBoxLayout(self._host)
        self._layout.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self._layout.setSpacing(12)
        self._layout.setContentsMargins(12, 12, 12, 12)
        self.setWidget(self._host)
        self.labels: list[QLabel] = []
        self.set_message("Chọn mẫu báo cáo để xem trước.")

    def _clear(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.labels = []

    def set_message(self, text: str) -> None:
        self._clear()
        label = QLabel(text, self._host)
        label.setWordWrap(True)
        label.setStyleSheet("color: white; font-size: 14px; padding: 24px;")
        label.setAlignment(Qt.AlignCenter)
        self._layout.addWidget(label)

    def set_pdf(self, data: bytes) -> None:
        if self.pages is not None:
            self.pages.close()
        self.pages = PdfPages(data)
        self._render()

    def set_dpi(self, dpi: float) -> None:
        self.dpi = dpi
        if self.pages is not None:
            self._render()

    def _render(self) -> None:
        self._clear()
        assert self.pages is not None
        ratio = self.devicePixelRatioF() or 1.0
        for index in range(self.pages.page_count):
            image = self.pages.render(index, self.dpi * ratio)
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            label = QLabel(self._host)
            label.setPixmap(pixmap)
            label.setFrameShape(QFrame.Box)
            label.setLineWidth(1)
            label.setToolTip(f"Trang {index + 1}/{self.pages.page_count}")
            label.setAccessibleName(f"Trang {index + 1}")
            self._layout.addWidget(label, 0, Qt.AlignHCenter)
            self.labels.append(label)

    @property
    def page_count(self) -> int:
        return self.pages.page_count if self.pages is not None else 0
