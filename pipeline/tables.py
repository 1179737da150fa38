"""Comparison tables that stock sites flatten into text, read cell by cell.

Pure functions, no spaCy. A scraped table loses its grid and keeps its cells joined by
" - ", a row per run, rows apart by two spaces:

    - - Gross Revenue - Net Income - P/E Ratio  - Acme - $8.4 million - -$1.2 million - 17.11  - ...

Read as prose, every cell becomes a loose number; read as a table, each cell has a row
(whose figure) and a column (which metric). `find_flat_tables` returns the tables with
every cell's span in the text (start inclusive, end exclusive), so the assembler can emit
the cells of the columns it knows and stay silent on the rest (ratings, ratios, margins).

An HTML table keeps its grid in the text of the document: its cells are joined by tabs and
its rows by line breaks (pipeline/documents.py). `find_flat_tables` returns these too, as
`GridTable`s: a block of at least two lines of tab-separated cells, its first line the
header ("SEK bn", "Q4 2023", "Q4 2022"), so that every number in it is read as a cell
(whose row and column say what it is) and never as prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER_START = re.compile(r"(?:^|(?<=\s))- - (?=\S)")
_RUN_END = re.compile(r"\s{2,}|\n|$")
_ROW_START = re.compile(r"\s*- (?=\S)")
_CELL_SEP = " - "


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    char_start: int
    char_end: int


@dataclass(frozen=True, slots=True)
class FlatTable:
    """A header row and its body rows; `rows[i][0]` is the row's name cell."""

    char_start: int
    char_end: int
    headers: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _cells(text: str, start: int, end: int) -> list[Cell]:
    out: list[Cell] = []
    position = start
    while True:
        cut = text.find(_CELL_SEP, position, end)
        stop = end if cut < 0 else cut
        raw = text[position:stop]
        lead = len(raw) - len(raw.lstrip())
        out.append(Cell(raw.strip(), position + lead, position + lead + len(raw.strip())))
        if cut < 0:
            return out
        position = cut + len(_CELL_SEP)


def _run(text: str, start: int) -> tuple[int, int]:
    """The span of one row: from `start` to the next run of spaces or line break."""
    end = _RUN_END.search(text, start)
    return start, end.start() if end else len(text)


@dataclass(frozen=True, slots=True)
class GridTable:
    """An HTML table as its text keeps it: `header` is its first row (the corner cell first),
    `rows` the others, each as many cells as the header; `caption` the short line just above,
    where a unit such as "(EUR million)" often stands."""

    char_start: int
    char_end: int
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: Cell | None = None


_GRID_LINE = re.compile(r"[^\n]*\t[^\n]*")
_CAPTION_CHARS = 60


def _grid_cells(text: str, start: int, end: int) -> tuple[Cell, ...]:
    cells = []
    position = start
    for raw in text[start:end].split("\t"):
        lead = len(raw) - len(raw.lstrip())
        cells.append(Cell(raw.strip(), position + lead, position + lead + len(raw.strip())))
        position += len(raw) + 1
    return tuple(cells)


def find_grid_tables(text: str) -> list[GridTable]:
    """Every block of two or more consecutive lines of tab-separated cells."""
    tables: list[GridTable] = []
    lines = list(_GRID_LINE.finditer(text))
    block: list[re.Match[str]] = []
    for line in [*lines, None]:
        if line is not None and block and line.start() == block[-1].end() + 1:
            block.append(line)
            continue
        if len(block) >= 2:
            tables.append(_grid(text, block))
        block = [line] if line is not None else []
    return tables


def _grid(text: str, block: list[re.Match[str]]) -> GridTable:
    header = _grid_cells(text, block[0].start(), block[0].end())
    rows = tuple(_grid_cells(text, m.start(), m.end()) for m in block[1:])
    caption = None
    above_end = block[0].start() - 1
    if above_end > 0:
        above_start = text.rfind("\n", 0, above_end) + 1
        line = text[above_start:above_end]
        if line.strip() and len(line.strip()) <= _CAPTION_CHARS:
            lead = len(line) - len(line.lstrip())
            caption = Cell(line.strip(), above_start + lead, above_start + lead + len(line.strip()))
    return GridTable(block[0].start(), block[-1].end(), header, rows, caption)


def find_flat_tables(text: str) -> list[FlatTable | GridTable]:
    """Every table laid out in the text: the flattened ones (below) and the tab-separated
    grids of HTML tables (`find_grid_tables`), in text order."""
    grids = find_grid_tables(text)
    flat = [t for t in _find_dash_tables(text)
            if not any(g.char_start < t.char_end and t.char_start < g.char_end for g in grids)]
    return sorted([*flat, *grids], key=lambda t: t.char_start)


def _find_dash_tables(text: str) -> list[FlatTable]:
    """Every flattened table: a "- - " header row followed by "- "-led rows of as many
    cells as there are headers, plus the row's name."""
    tables: list[FlatTable] = []
    for match in _HEADER_START.finditer(text):
        if tables and match.start() < tables[-1].char_end:
            continue
        head_start, head_end = _run(text, match.end())
        headers = _cells(text, head_start, head_end)
        if len(headers) < 2 or any(not h.text or h.text[0].isdigit() for h in headers):
            continue
        rows: list[tuple[Cell, ...]] = []
        position = head_end
        while True:
            gap = _ROW_START.match(text, position)
            if gap is None:
                break
            row_start, row_end = _run(text, gap.end())
            cells = _cells(text, row_start, row_end)
            if len(cells) != len(headers) + 1 or not cells[0].text:
                break
            rows.append(tuple(cells))
            position = row_end
        if rows:
            tables.append(
                FlatTable(match.start(), rows[-1][-1].char_end, tuple(headers), tuple(rows))
            )
    return tables


def is_negative(cell: Cell) -> bool:
    """"-$15.08 million" and "($0.39)": the accounting forms of a negative figure."""
    text = cell.text
    return text.startswith(("-", "−")) or (text.startswith("(") and text.endswith(")")) or (
        "(" in text and text.endswith(")") and text.index("(") <= 2
    )
