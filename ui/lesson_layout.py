"""How the Lesson tab fits a projector: one header row, tensors side by side, code kept short.

At 1280x720 the Lesson tab gets about 245 px under the plots. The question, its
answer and "PyTorch says" must all be readable there without nested scroll
boxes, so the pane spends no row it does not need:

* :class:`ui.header_row.HeaderRow` puts the lesson picker and Back / Step n of N /
  Next on one row when the width allows it, on two rows otherwise (200 % zoom);
* :func:`values_html` writes the step's tensors as ``print`` shows them, stacking
  the blocks in columns side by side (one-line tensors beside w.grad's rows) with
  "PyTorch says:" on their left instead of a line of its own;
* :func:`short_code` keeps "PyTorch this step ran" to a few lines: a step that
  runs a hundred iterations does not need a hundred lines here (the Code tab
  has them all).

No torch here: the numbers come formatted from the lesson panel.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from PySide6.QtGui import QFont, QFontMetrics, QTextDocument

#: Lines of "PyTorch this step ran" shown; the rest are counted in a last comment line.
CODE_LINES_SHOWN = 8
#: Room between two tensor blocks laid side by side, in monospace characters.
BLOCK_GAP_CHARS = 3
VALUES_HEADING = "PyTorch says:"
#: The style of the cells of printed tensors: their lines are never broken.
PRINTED_STYLE = "white-space: pre"


def _block(key: str, text: str) -> tuple[list[str], int]:
    """``key = value`` as lines, the rows of a matrix under its first row (as print does)."""
    lines = f"{key} = {text}".split("\n")
    indent = " " * len(f"{key} = ")
    lines = lines[:1] + [indent + line for line in lines[1:]]
    return lines, max(len(line) for line in lines)


def _cell(lines: list[str]) -> str:
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def _columns(blocks: Sequence[tuple[list[str], int]], room: float, gap: float,
             advance: float) -> list[list[list[str]]]:
    """Blocks (in order) stacked into columns, as few lines tall as ``room`` allows.

    The shortest height tried is the tallest block's (w.grad's five rows, with the
    one-line tensors in a column beside it); each try fills columns left to right.
    """
    total = sum(len(lines) for lines, _ in blocks)
    for height in range(max(len(lines) for lines, _ in blocks), total + 1):
        columns: list[list[tuple[list[str], int]]] = [[]]
        for block in blocks:
            if columns[-1] and sum(len(b[0]) for b in columns[-1]) + len(block[0]) > height:
                columns.append([])
            columns[-1].append(block)
        width = sum(max(chars for _, chars in column) * advance for column in columns)
        if width + gap * (len(columns) - 1) <= room or len(columns) == 1:
            return [[lines for lines, _ in column] for column in columns]
    return [[lines for lines, _ in blocks]]


def values_html(rows: Sequence[tuple[str, str]], width: int, mono: QFont, body: QFont) -> str:
    """The tensors of a step for the lesson pane, packed into ``width`` pixels.

    Parameters
    ----------
    rows:
        ``(key, formatted value)`` pairs, the value as ``print`` shows it (rows of a
        matrix separated by newlines).
    width:
        The label's width: blocks stand in columns side by side while they fit it.
    mono, body:
        The fonts of the numbers and of the "PyTorch says:" heading (for measuring).

    Returns
    -------
    str
        Rich text: the heading on the left (above, when the widest line would not fit
        beside it), the blocks in the columns of a table.
    """
    if not rows:
        return ""
    metrics = QFontMetrics(mono)
    heading = QFontMetrics(body).horizontalAdvance(VALUES_HEADING + "  ") + 8
    advance = metrics.horizontalAdvance("M")  # a monospace font: every character alike
    gap = advance * BLOCK_GAP_CHARS
    blocks = [_block(key, text) for key, text in rows]
    above = heading + max(chars for _, chars in blocks) * advance + 4 > width
    columns = _columns(blocks, width - (0 if above else heading) - 4, gap, advance)
    pad = "&nbsp;" * BLOCK_GAP_CHARS
    # pre: a printed line breaks only where print broke it (never "[12., 12., 12.,⏎12.]",
    # t5 trial); wider than the pane, the pane scrolls sideways. The spaces that line a
    # matrix's rows up under its first are kept.
    cells = f"<td>{pad}</td>".join(
        f"<td valign='top' style='{PRINTED_STYLE}'>"
        + "<br>".join(_cell(lines) for lines in column) + "</td>" for column in columns)
    family = html.escape(mono.family())
    said = (f"<td style=\"font-family: '{family}'\"><table cellspacing='0' cellpadding='0'>"
            f"<tr>{cells}</tr></table></td>")
    title = f"<td valign='top'><b>{VALUES_HEADING}</b>&nbsp;&nbsp;</td>"
    return (f"<table cellspacing='0' cellpadding='0'>"
            + (f"<tr>{title}</tr><tr>{said}</tr>" if above else f"<tr>{title}{said}</tr>")
            + "</table>")


def unbroken_width(rich_text: str, font: QFont) -> int:
    """The narrowest width ``rich_text`` takes without breaking a line it must keep
    whole (a printed tensor's); words of notes may still wrap."""
    if not rich_text:
        return 0
    doc = QTextDocument()
    doc.setDocumentMargin(0)  # as a QLabel lays it out
    doc.setDefaultFont(font)
    doc.setHtml(rich_text)
    doc.setTextWidth(1)
    return math.ceil(doc.size().width())


def short_code(lines: Sequence[str], shown: int = CODE_LINES_SHOWN) -> list[str]:
    """The first ``shown`` lines of a step's code, then how many more the Code tab has."""
    if len(lines) <= shown:
        return list(lines)
    more = len(lines) - (shown - 1)
    return [*lines[:shown - 1], f"# … {more} more lines: the Code tab shows them all"]
