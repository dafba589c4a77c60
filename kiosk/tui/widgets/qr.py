"""A QR code drawn with unicode half blocks: two modules per character cell, so it fits a screen."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

# Fixed black on white, never theme colours: a scanner needs dark modules on a light field,
# and a dark theme's "foreground on background" would invert the code.
DARK = "#000000"
LIGHT = "#ffffff"


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of `data`'s QR code with a one-module quiet zone (True = dark)."""
    import qrcode  # heavy; loaded only when a code is drawn

    code = qrcode.QRCode(border=1)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def half_blocks(matrix: list[list[bool]]) -> Text:
    """Rows paired top/bottom: an upper half block coloured by the top module over the bottom's."""
    text = Text(no_wrap=True, overflow="crop")
    width = len(matrix[0]) if matrix else 0
    for top_index in range(0, len(matrix), 2):
        top = matrix[top_index]
        bottom = matrix[top_index + 1] if top_index + 1 < len(matrix) else [False] * width
        for upper, lower in zip(top, bottom, strict=True):
            text.append(
                "▀", Style(color=DARK if upper else LIGHT, bgcolor=DARK if lower else LIGHT)
            )
        if top_index + 2 < len(matrix):
            text.append("\n")
    return text


class QrCode(Static):
    """The QR code of `data`; sized to the code so the layout can place it beside text."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, data: str, *, id: str | None = None, classes: str | None = None) -> None:
        self.data = data
        super().__init__(half_blocks(qr_matrix(data)), id=id, classes=classes)
