"""Draw the app icon with Qt (no downloads): resources/icons/app.png (256 px) and app.ico (16–256 px).

Run once after changing the design: `QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icon.py`.
The .ico is written with Pillow when available (multi-size), else with Qt's ico plugin.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw(size: int = 256) -> QImage:
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.Antialiasing)
    s = size / 256
    # red rounded tile (the colour of official seals)
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#b3261e"))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)
    # white sheet with a folded corner
    sheet = QPainterPath()
    sheet.moveTo(60 * s, 40 * s)
    sheet.lineTo(160 * s, 40 * s)
    sheet.lineTo(196 * s, 76 * s)
    sheet.lineTo(196 * s, 216 * s)
    sheet.lineTo(60 * s, 216 * s)
    sheet.closeSubpath()
    p.setBrush(QColor("#ffffff"))
    p.drawPath(sheet)
    p.setBrush(QColor("#e8c9c6"))
    fold = QPainterPath()
    fold.moveTo(160 * s, 40 * s)
    fold.lineTo(160 * s, 76 * s)
    fold.lineTo(196 * s, 76 * s)
    fold.closeSubpath()
    p.drawPath(fold)
    # three task lines, the first ticked
    for i, y in enumerate((100, 140, 180)):
        p.setBrush(QColor("#7a1b15") if i else QColor("#f2b705"))
        p.drawRoundedRect(QRectF(112 * s, (y - 7) * s, 68 * s, 14 * s), 7 * s, 7 * s)
        pen = QPen(QColor("#2e7d32") if i == 0 else QColor("#9e9e9e"), 12 * s)
        pen.setCapStyle(Qt.RoundCap)
        pen.setJoinStyle(Qt.RoundJoin)
        p.setPen(pen)
        if i == 0:
            p.drawPolyline([QPointF(76 * s, y * s), QPointF(86 * s, (y + 10) * s), QPointF(102 * s, (y - 12) * s)])
        else:
            p.drawPoint(QPointF(88 * s, y * s))
        p.setPen(Qt.NoPen)
    p.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841
    OUT.mkdir(parents=True, exist_ok=True)
    image = draw(256)
    png = OUT / "app.png"
    if not image.save(str(png)):
        raise SystemExit(f"cannot write {png}")
    ico = OUT / "app.ico"
    try:
        from PIL import Image

        Image.open(png).save(ico, sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    except ImportError:
        if not draw(64).save(str(ico), "ICO"):
            raise SystemExit(f"cannot write {ico}")
    print(f"wrote {png} and {ico}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
