"""What every PDF of the platform draws with: the vendored CJK font, embedded, and QR codes.

The font is the copy vendored in peikao/core/fonts/, never one of the machine's fonts, and it is
embedded (subset) in every PDF, so that a document prints the same on any machine.
"""

import functools
from pathlib import Path

import segno
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable

FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"


@functools.cache
def cjk_font() -> str:
    """Registers the vendored font once per process (parsing the 5 MB collection takes ~0.4 s)."""
    # Face 0 of the collection is the proportional Micro Hei; face 1 is the monospaced one.
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    return FONT_NAME


class QrCode(Flowable):
    """A QR code drawn as vector squares, so it stays sharp at any printer resolution."""

    def __init__(self, data: str, size: float, *, error: str = "m"):
        super().__init__()
        self.rows = [tuple(row) for row in segno.make(data, error=error).matrix_iter(border=4)]
        self.width = self.height = size

    def draw(self) -> None:
        cell = self.width / len(self.rows)
        self.canv.setFillColor(colors.black)
        for y, row in enumerate(self.rows):
            for x, dark in enumerate(row):
                if dark:
                    top = self.height - (y + 1) * cell
                    self.canv.rect(x * cell, top, cell, cell, stroke=0, fill=1)
