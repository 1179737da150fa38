"""Read documents from every container of FACTS.md section 1.

Readers yield `Document` or `DocumentError`, never raise for one bad document, so a batch
always goes on and the caller decides what to do with the errors. `Document.text` holds the
article's characters as read (after front-matter removal or HTML reduction) and is never
normalized further, so fact spans index into it.
"""

from __future__ import annotations

import codecs
import csv
import functools
import gzip
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from .language_data import load

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Document:
    """An article as read: the text is never altered, so spans index into it."""

    doc_id: str
    text: str
    published: date | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    gold: tuple[Mapping[str, Any], ...] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        """`published` may be given as an ISO string; a wrong type fails here, not later
        inside a batch."""
        if not isinstance(self.doc_id, str):
            raise TypeError(f"Document doc_id must be str, not {type(self.doc_id).__name__}")
        if not isinstance(self.text, str):
            raise TypeError(f"Document {self.doc_id}: text must be str, "
                            f"not {type(self.text).__name__}")
        published = self.published
        if published is None or (type(published) is date):
            return
        if not isinstance(published, str | date):
            raise TypeError(f"Document {self.doc_id}: published must be a date, an ISO date "
                            f"string or None, not {type(published).__name__}")
        try:
            object.__setattr__(self, "published", parse_published(published))
        except ValueError as exc:
            raise ValueError(f"Document {self.doc_id}: {exc}") from None


@dataclass(frozen=True, slots=True)
class DocumentError:
    """A document that could not be read or processed, and why."""

    doc_id: str
    reason: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "reason": self.reason, "path": self.path}


Item = Document | DocumentError
Reader = Callable[[Path, str, "Columns"], Iterator[Item]]

# -- dates -------------------------------------------------------------------------------

HEAD_CHARS = 200
"""Only this many leading characters are searched for a dateline: later dates are content."""

_DATE = (
    r"(?:\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?\s*,?\s*\d{4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?\s*,?\s*\d{4})(?!\d)"
)
_WEEKDAY = r"(?P<weekday>[A-Za-z]{3,9})\.?,?\s+"
_DASH = r"[-–—]"
_DATELINES = (
    # " date 2017-02-02 ...", "Published: May 14, 2014", "Updated 1613 GMT (0013 HKT) Sep 13, 2019"
    re.compile(
        rf"(?:\A|\n|\s\s)\s*(?:date|dated|published|posted|updated)\b:?\s+"
        rf"(?:[^\n]{{0,30}}?\s)?(?P<date>{_DATE})",
        re.IGNORECASE,
    ),
    # "21 October 2010 - Finnish ...", "Wednesday, 25 September 2019 Providing ..."
    re.compile(
        rf"\A\s*(?:{_WEEKDAY}(?P<date>{_DATE})|(?P<bare>{_DATE})(?=\s*(?:{_DASH}|\||:|\n|\Z)))"
    ),
    # "( ADP News ) - Feb 4 , 2009 - ...", "ADPnews - Aug 3 , 2009 -", "LONDON, May 4, 2009 (X) -"
    re.compile(
        rf"\A\s*(?:\([^()\n]{{1,40}}\)|[A-Z][^\n,()–—-]{{0,39}}?)\s*[-–—,]\s*"
        rf"(?P<date>{_DATE})(?:\s*\([^()\n]{{1,30}}\))?\s*{_DASH}"
    ),
    # a weekday-led date opening a block: "\n\nMon., Sept. 23, 2019"
    re.compile(rf"(?:\n|\s\s){_WEEKDAY}(?P<date>{_DATE})"),
    # a weekday-led date with a clock time: "... understands. Friday 13 September 2019 18:28"
    re.compile(rf"(?:\A|[.!?]\s|\s\s){_WEEKDAY}(?P<date>{_DATE})\s*,?\s*\d{{1,2}}:\d{{2}}\b"),
)


def parse_date(span: str) -> date | None:
    """A complete calendar date (day, month and year) written in English, else None."""
    span = span.strip()
    if not span:
        return None
    try:
        return date.fromisoformat(span[:10])
    except ValueError:
        pass
    import dateparser

    parsed = dateparser.parse(
        span,
        languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return parsed.date() if parsed is not None else None


_TIME = (r"(?:(?:[ ,]+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
         r"\s*(?:Z|[A-Z]{2,5}|(?:GMT|UTC)?[+-]\d{2}:?\d{2})?)?")
_ISO_DATE = re.compile(rf"(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}}){_TIME}")
_YEAR_FIRST = re.compile(r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})")
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})")
_WRITTEN = re.compile(
    r"(?:[A-Za-z]{3,9}\.?,?\s+)??"  # an optional weekday
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<m1>[A-Za-z]{3,9})\.?,?\s+(?P<y1>\d{4})"
    r"|(?P<m2>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(?P<y2>\d{4}))"
    + _TIME
)


def parse_published(value: Any) -> date | None:
    """A metadata `published` value as a date; None when missing; ValueError otherwise.

    Only an absolute, unambiguous calendar date counts: a date object, ISO `2024-01-25`
    (with an optional time), `2024/01/25`, a written date with a month name ("25 Jan
    2024", "January 25, 2024", "Thu, 25 Jan 2024 10:00:00 GMT"), or a day-month-year in
    digits only when one reading is possible ("25.1.2024", not "8.2.2024"). Relative
    words ("yesterday") and impossible dates ("2024-13-45") are rejected, never resolved
    against the clock or guessed, so a run gives the same result on any day.
    """
    if _is_null(value) or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"published {value!r} is not a date")
    found = _absolute_date(value.strip())
    if found is None:
        raise ValueError(f"published {value!r} is not an absolute, unambiguous date "
                         "(write it as YYYY-MM-DD)")
    return found


def _absolute_date(text: str) -> date | None:
    from .periods import month_number

    candidates: set[date] = set()
    if match := (_ISO_DATE.fullmatch(text) or _YEAR_FIRST.fullmatch(text)):
        candidates.add(_ymd(match["y"], match["m"], match["d"]) or _INVALID)
    elif match := _NUMERIC.fullmatch(text):
        for day, month in ((match["a"], match["b"]), (match["b"], match["a"])):
            if (found := _ymd(match["y"], month, day)) is not None:
                candidates.add(found)
    elif match := _WRITTEN.fullmatch(text):
        month = month_number(match["m1"] or match["m2"])
        if month is not None:
            found = _ymd(match["y1"] or match["y2"], str(month), match["d1"] or match["d2"])
            candidates.add(found or _INVALID)
    if len(candidates) != 1 or _INVALID in candidates:
        return None
    return candidates.pop()


_INVALID = date.min


def _ymd(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def infer_published(text: str) -> date | None:
    """The date of a dateline or date header at the very top of `text`, else None.

    Conservative on purpose: only dateline-shaped patterns in the first `HEAD_CHARS`
    characters count, so a photo caption's date ("pictured in Tokyo May 14, 2014") or a
    date in the body never becomes the publication date.

    >>> infer_published("21 October 2010 - Finnish fishing tackle maker Rapala said ...")
    datetime.date(2010, 10, 21)
    """
    head = text[:HEAD_CHARS]
    for pattern in _DATELINES:
        for match in pattern.finditer(head):
            groups = match.groupdict()
            found = parse_date(groups.get("date") or groups["bare"])
            weekday = groups.get("weekday")
            if found is not None and (weekday is None or _is_weekday_of(weekday, found)):
                return found
    return None


_WEEK_BASE = datetime(2000, 1, 15)


def _is_weekday_of(word: str, day: date) -> bool:
    """Whether `word` names the weekday of `day`; rules out "The 14 March 2012 report"."""
    import dateparser

    parsed = dateparser.parse(word, languages=["en"], settings={"RELATIVE_BASE": _WEEK_BASE})
    return (
        parsed is not None
        and abs((parsed - _WEEK_BASE).days) <= 7
        and parsed.weekday() == day.weekday()
    )


# -- mappings (JSON Lines, CSV and Parquet rows) -------------------------------------------


@dataclass(frozen=True, slots=True)
class Columns:
    """Which field of a JSON object or table row holds the text, the id and the date."""

    text: str = "text"
    id: str | None = None
    published: str | None = None


def document_from_mapping(
    row: Mapping[str, Any], *, default_id: str, text_column: str = "text",
    columns: Columns | None = None,
) -> Document:
    """Build a Document from a JSON object or table row; raises ValueError when unusable."""
    columns = columns or Columns(text=text_column)
    text_column = columns.text
    text = row.get(text_column)
    if _is_null(text):
        raise ValueError(f"no {text_column!r} value")
    if not isinstance(text, str):
        raise ValueError(f"{text_column!r} is not a string but {type(text).__name__}")
    if not text.strip():
        raise ValueError(f"empty {text_column!r}")
    gold = row.get("facts")
    return Document(
        doc_id=_row_id(row, default_id, columns),
        text=text,
        published=(parse_published(row.get(columns.published or "published"))
                   or infer_published(text)),
        title=_optional_str(row.get("title")),
        source=_optional_str(row.get("source")),
        url=_optional_str(row.get("url")),
        gold=tuple(gold) if isinstance(gold, list) else None,
    )


def _optional_str(value: Any) -> str | None:
    """Metadata as a string; a structured value (a dataset reference) keeps its JSON form."""
    if _is_null(value) or value == "":
        return None
    if isinstance(value, Mapping | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _is_null(value: Any) -> bool:
    """None, or a table's missing cell (NaN, NaT), which is unequal to itself."""
    return value is None or (isinstance(value, float | date) and value != value)


def _row_id(row: Mapping[str, Any], default_id: str, columns: Columns | None = None) -> str:
    if columns is not None and columns.id is not None:
        return _optional_str(row.get(columns.id)) or default_id
    return _optional_str(row.get("doc_id")) or _optional_str(row.get("id")) or default_id


def _read_json(path: Path, name: str, columns: Columns) -> Iterator[Item]:
    """A .json file holding a list of article objects (or one object)."""
    try:
        data = json.loads(_read_text(path))
    except (OSError, ValueError) as exc:
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else None
        yield DocumentError(name, f"not valid JSON ({detail})" if detail else _reason(exc),
                            str(path))
        return
    rows = data if isinstance(data, list) else [data]
    for number, row in enumerate(rows, 1):
        default_id = f"{path.name}:{number}"
        if not isinstance(row, dict):
            yield DocumentError(default_id, f"item {number}: not a JSON object", str(path))
            continue
        try:
            yield document_from_mapping(row, default_id=default_id, columns=columns)
        except ValueError as exc:
            yield DocumentError(_row_id(row, default_id, columns), f"item {number}: {exc}",
                                str(path))


def _read_jsonl(path: Path, name: str, columns: Columns) -> Iterator[Item]:
    """One document a line; a broken line is reported with its number and the file goes on."""
    opener: Callable[..., Any] = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                yield _jsonl_line(raw, number, path, columns)
    except (OSError, EOFError, zlib.error) as exc:
        yield DocumentError(name, f"cannot read file: {_os_reason(exc)}", str(path))


def _jsonl_line(raw: bytes, number: int, path: Path, columns: Columns) -> Item:
    default_id = f"{path.name}:{number}"
    try:
        row = json.loads(_decode(raw)[0])
    except ValueError as exc:
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        return DocumentError(default_id, f"line {number}: not valid JSON ({detail})", str(path))
    if not isinstance(row, dict):
        return DocumentError(default_id, f"line {number}: not a JSON object", str(path))
    try:
        return document_from_mapping(row, default_id=default_id, columns=columns)
    except ValueError as exc:
        return DocumentError(_row_id(row, default_id, columns), f"line {number}: {exc}",
                             str(path))


def _read_csv(path: Path) -> Any:
    import pandas as pd

    text, _ = _decode(path.read_bytes())
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                       sep=sniff_delimiter(text))


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text (comma, semicolon, tab or bar), from its first lines;
    a comma when the sample does not tell."""
    sample = "\n".join(text[:65536].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_parquet(path: Path) -> Any:
    import pandas as pd

    return pd.read_parquet(path)


def _read_table(path: Path, name: str, columns: Columns) -> Iterator[Item]:
    """CSV or Parquet: a row per document; a bad row is reported and the table goes on."""
    load = _read_parquet if path.name.lower().endswith(".parquet") else _read_csv
    try:
        frame = load(path)
    except (OSError, ValueError) as exc:
        yield DocumentError(name, _reason(exc), str(path))
        return
    if (problem := _missing_columns(frame.columns, columns)) is not None:
        yield DocumentError(name, problem, str(path))
        return
    for number, row in enumerate(frame.to_dict("records"), 1):
        default_id = f"{path.name}:{number}"
        try:
            yield document_from_mapping(row, default_id=default_id, columns=columns)
        except ValueError as exc:
            yield DocumentError(_row_id(row, default_id, columns), f"row {number}: {exc}",
                                str(path))


def _missing_columns(present: Iterable[Any], columns: Columns) -> str | None:
    """Why a table cannot be read with these column names, or None."""
    names = [str(c) for c in present]
    wanted = [columns.text, *(c for c in (columns.id, columns.published) if c is not None)]
    missing = [c for c in wanted if c not in names]
    if not missing:
        return None
    listed = ", ".join(repr(m) for m in missing)
    return f"no {listed} column (columns: {', '.join(names) or 'none'})"


# -- text files ----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _decode(data: bytes) -> tuple[str, str]:
    """Bytes to text and the encoding used; raises ValueError for binary or undecodable data.

    UTF-8 first; otherwise charset-normalizer guesses, so a Latin-1 or cp1252 article is
    read correctly rather than rejected.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if b"\x00" in data:
        raise ValueError("binary file (holds NUL bytes)")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ValueError("binary or undecodable file: no text encoding fits") from None
        text, encoding = str(best), best.encoding
    if len(_CONTROL.findall(text)) > max(1, len(text) // 100):
        raise ValueError("binary file (mostly control characters)")
    return text, encoding


def _read_text(path: Path) -> str:
    """A file's text; raises OSError or ValueError (binary, undecodable, empty)."""
    data = path.read_bytes()
    if not data:
        raise ValueError("empty file")
    text, encoding = _decode(data)
    if encoding != "utf-8":
        log.info("%s: decoded as %s", path, encoding)
    if not text.strip():
        raise ValueError("file holds only whitespace")
    return text


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_PUBLISHED_LINE = re.compile(r"\A[ \t]*published[ \t]*:[ \t]*([^\r\n]*?)[ \t]*(?:\r?\n|\Z)", re.I)
_METADATA_KEYS = ("doc_id", "published", "title", "source", "url")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Metadata from a leading `---` YAML block or `published:` line, and the body after it.

    A block that is not a YAML mapping is not front matter: the text is returned whole.
    """
    if match := _FRONT_MATTER.match(text):
        try:
            meta = yaml.safe_load(match.group(1))
        except yaml.YAMLError:
            meta = None
        if isinstance(meta, dict) or (meta is None and not match.group(1).strip()):
            fields = {str(k).lower(): v for k, v in (meta or {}).items()}
            return _known(fields), text[match.end() :].lstrip("\r\n")
        return {}, text
    if match := _PUBLISHED_LINE.match(text):
        return {"published": match.group(1)}, text[match.end() :].lstrip("\r\n")
    return {}, text


def _known(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata newsfacts uses; Jekyll's and Hugo's `date:` stands for `published:`."""
    known = {key: fields[key] for key in _METADATA_KEYS if fields.get(key) not in (None, "")}
    if "published" not in known and fields.get("date") not in (None, ""):
        known["published"] = fields["date"]
    return known


def _document(doc_id: str, text: str, path: Path, meta: Mapping[str, Any]) -> Item:
    doc_id = _optional_str(meta.get("doc_id")) or doc_id
    if not text.strip():
        return DocumentError(doc_id, "no text after the front matter or markup", str(path))
    try:
        published = parse_published(meta.get("published"))
    except ValueError as exc:
        return DocumentError(doc_id, str(exc), str(path))
    return Document(
        doc_id=doc_id,
        text=text,
        published=published or infer_published(text),
        title=_optional_str(meta.get("title")),
        source=_optional_str(meta.get("source")),
        url=_optional_str(meta.get("url")),
    )


def _read_plain(path: Path, doc_id: str, columns: Columns) -> Iterator[Item]:
    """A .txt or .md article, with optional front matter."""
    try:
        text = _read_text(path)
    except (OSError, ValueError) as exc:
        yield DocumentError(doc_id, _reason(exc), str(path))
        return
    meta, body = split_front_matter(text)
    yield _document(doc_id, body, path, meta)


def _read_html(path: Path, doc_id: str, columns: Columns) -> Iterator[Item]:
    """An .html page reduced to its visible text."""
    try:
        markup = _read_text(path)
    except (OSError, ValueError) as exc:
        yield DocumentError(doc_id, _reason(exc), str(path))
        return
    text, meta = reduce_html(markup)
    yield _document(doc_id, text, path, meta)


# -- HTML ----------------------------------------------------------------------------------

_HIDDEN = frozenset({"script", "style", "head", "noscript", "template", "svg", "iframe"})
_PARAGRAPH = frozenset(
    {
        *("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"),
        *("dl", "figure", "hr", "section", "article", "header", "footer", "aside", "nav"),
        *("main", "address", "form", "fieldset", "details"),
    }
)
_LINE = frozenset({"br", "div", "li", "tr", "dt", "dd", "figcaption", "caption", "summary"})
_CELL = frozenset({"td", "th"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
# A table's cells are joined by this character and its rows by line breaks, so a table
# stays a grid in the text the pipeline reads (pipeline/tables.py reads it back).
CELL_SEPARATOR = "\t"
_PAGE = frozenset({"html", "body", "main", "article"})


class _HtmlChrome(BaseModel):
    """Schema of configs/html.yaml."""

    tags: list[str]
    chrome_words: list[str]


@functools.cache
def _chrome() -> tuple[frozenset[str], frozenset[str]]:
    data = load("html.yaml", _HtmlChrome)
    return (frozenset(t.casefold() for t in data.tags),
            frozenset(w.casefold() for w in data.chrome_words))


def _is_chrome(tag: str, attrs: Mapping[str, str | None], *, by_attributes: bool = True
               ) -> bool:
    """A navigation bar, caption, cookie banner or share box: never article text."""
    tags, words = _chrome()
    if tag in tags:
        return True
    if tag in _PAGE or not by_attributes:  # a page-wide class ("cookie-consent-shown")
        return False
    named = " ".join(attrs.get(k) or "" for k in ("class", "id", "role", "aria-label"))
    named = re.sub(r"([a-z])([A-Z])", r"\1 \2", named)  # "shareButtons" -> "share Buttons"
    return not words.isdisjoint(re.split(r"[^a-z0-9]+", named.casefold()))
_META_FIELDS = {
    "article:published_time": "published",
    "og:published_time": "published",
    "date": "published",
    "pubdate": "published",
    "publishdate": "published",
    "dc.date": "published",
    "dc.date.issued": "published",
    "og:url": "url",
    "og:site_name": "source",
    "og:title": "title",
}


class _VisibleText(HTMLParser):
    """Collects the text a reader sees, with block elements as line or paragraph breaks."""

    def __init__(self, *, by_attributes: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.by_attributes = by_attributes
        # paragraph text kept, and dropped inside elements hidden for their class or id
        self.paragraph_chars = [0, 0]
        self._paragraphs = 0
        self._by_class_from: int | None = None
        self.pieces: list[str | int] = []
        self.title: list[str] = []
        self.meta: dict[str, str] = {}
        self._hidden: list[str] = []
        self._in_title = False
        self._pre = 0
        self._cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._hidden = [t for t in self._hidden if t != "head"]
        elif tag == "title" and all(t == "head" for t in self._hidden):
            self._in_title = True
        elif tag in ("meta", "link"):
            self._metadata(dict(attrs))
        elif tag in _HIDDEN or (tag not in _VOID and self._hidden):
            self._hidden.append(tag)  # inside a hidden element every tag nests, to close it
        elif tag not in _VOID and _is_chrome(tag, dict(attrs), by_attributes=self.by_attributes):
            if tag not in _chrome()[0]:
                self._by_class_from = len(self._hidden)
            self._hidden.append(tag)
        elif tag == "pre":
            self._pre += 1
        if tag == "p":
            self._paragraphs += 1
        self._break(tag)
        if tag == "tr":
            self._cells = 0
        elif tag in _CELL and not self._hidden:
            if self._cells:  # between cells, so each row is one line of cells
                self.pieces.append(CELL_SEPARATOR)
            self._cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._paragraphs = max(0, self._paragraphs - 1)
        if tag in self._hidden:
            index = len(self._hidden) - 1 - self._hidden[::-1].index(tag)
            del self._hidden[index:]
            if self._by_class_from is not None and index <= self._by_class_from:
                self._by_class_from = None
        elif tag == "title":
            self._in_title = False
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag != "br":
            self._break(tag)

    def handle_data(self, data: str) -> None:
        if self._paragraphs and (not self._hidden or self._by_class_from is not None):
            self.paragraph_chars[int(self._by_class_from is not None)] += len(data.strip())
        if self._in_title:
            self.title.append(data)
        elif not self._hidden:
            self.pieces.append(data if self._pre else re.sub(r"\s+", " ", data))

    def _break(self, tag: str) -> None:
        if not self._hidden and (tag in _PARAGRAPH or tag in _LINE):
            self.pieces.append(2 if tag in _PARAGRAPH else 1)

    def _metadata(self, attrs: Mapping[str, str | None]) -> None:
        content = attrs.get("content") or attrs.get("href")
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if attrs.get("rel") == "canonical":
            key = "og:url"
        target = _META_FIELDS.get(key) or ("published" if key == "datepublished" else None)
        if target and content and target not in self.meta:
            self.meta[target] = content.strip()

    def text(self) -> str:
        out: list[str] = []
        pending = 0
        for piece in self.pieces:
            if isinstance(piece, int):
                pending = max(pending, piece)
            elif piece.strip() or piece == CELL_SEPARATOR or (piece and not pending and out):
                if pending and out:
                    out.append("\n" * pending)
                pending = 0
                out.append(piece)
        joined = re.sub(r" *\n *", "\n", "".join(out))  # a row's empty first cell keeps its tab
        return re.sub(r" {2,}", " ", joined).strip(" \n")  # a first empty cell keeps its tab


def reduce_html(markup: str) -> tuple[str, dict[str, str]]:
    """Visible text of an HTML page and its metadata (title, published, url, source).

    Scripts, styles and the head are dropped, block elements become line or paragraph
    breaks and entities are unescaped, so sentences of different blocks never run together.
    Page chrome (configs/html.yaml) is dropped too; an element dropped for its class or id
    must not hold most of the page's paragraphs, else only the chrome tags are dropped.
    """
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    kept, dropped = parser.paragraph_chars
    if dropped > kept:  # "post-body has-share-bar": the class named the article's own box
        parser = _VisibleText(by_attributes=False)
        parser.feed(markup)
        parser.close()
    meta = dict(parser.meta)
    title = re.sub(r"\s+", " ", "".join(parser.title)).strip()
    if title:
        meta["title"] = title
    return parser.text(), meta


# -- dispatch ------------------------------------------------------------------------------

_READERS: tuple[tuple[str, Reader], ...] = (
    (".jsonl.gz", _read_jsonl),
    (".jsonl", _read_jsonl),
    (".ndjson", _read_jsonl),
    (".json", _read_json),
    (".csv", _read_table),
    (".parquet", _read_table),
    (".txt", _read_plain),
    (".md", _read_plain),
    (".html", _read_html),
    (".htm", _read_html),
)
SUPPORTED_SUFFIXES = tuple(suffix for suffix, _ in _READERS)


def _reader(path: Path) -> Reader | None:
    name = path.name.lower()
    return next((reader for suffix, reader in _READERS if name.endswith(suffix)), None)


def _reason(exc: Exception) -> str:
    return f"cannot read file: {_os_reason(exc)}" if isinstance(exc, OSError) else str(exc)


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def _guarded(reader: Reader, path: Path, doc_id: str, columns: Columns) -> Iterator[Item]:
    """Run one reader; an unexpected failure costs the rest of that file, never the batch."""
    try:
        yield from reader(path, doc_id, columns)
    except Exception as exc:
        log.debug("reader failed on %s", path, exc_info=True)
        reason = f"unreadable ({type(exc).__name__}: {exc})"
        yield DocumentError(doc_id, reason, str(path))


def _folder(root: Path, columns: Columns) -> Iterator[Item]:
    """Supported files under `root`, recursively, sorted by relative path; hidden ones skipped."""
    entries: list[tuple[str, Path, OSError | None]] = []

    def unlistable(exc: OSError) -> None:
        where = Path(exc.filename or root)
        entries.append((where.relative_to(root).as_posix(), where, exc))

    for folder, dirnames, filenames in os.walk(root, onerror=unlistable):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            path = Path(folder) / filename
            if not filename.startswith(".") and _reader(path) is not None:
                entries.append((path.relative_to(root).as_posix(), path, None))
    for relative, path, error in sorted(entries, key=lambda entry: entry[0]):
        if error is not None:
            reason = f"cannot list folder: {_os_reason(error)}"
            yield DocumentError(relative, reason, str(path))
            continue
        reader = _reader(path)
        assert reader is not None
        yield from _guarded(reader, path, relative, columns)


def read_documents(
    inputs: Iterable[str | Path], *, text_column: str = "text", id_column: str | None = None,
    published_column: str | None = None,
) -> Iterator[Document | DocumentError]:
    """Every document of every input, in input order; bad input is yielded as DocumentError.

    An input is a JSON Lines file (`.jsonl`, `.ndjson`, `.jsonl.gz`), a `.json` list of
    article objects, a CSV (delimiter sniffed) or Parquet table, a `.txt`, `.md` or `.html`
    article, or a folder of any of these (read recursively, sorted; other files in a
    folder are skipped). `text_column`, `id_column` and `published_column` name the fields
    of JSON objects and table rows (defaults: text; doc_id then id; published). A missing
    `published` is inferred from a dateline at the top of the text. A `doc_id` seen before
    is reported, not read again: two documents under one id would mix their facts.

    >>> [d.doc_id for d in read_documents(["corpus/"])]  # doctest: +SKIP
    ['000_36be18c189ecb8d2', ...]
    """
    columns = Columns(text=text_column, id=id_column, published=published_column)
    seen: set[str] = set()
    for item in _read_all(inputs, columns):
        if isinstance(item, Document):
            if item.doc_id in seen:
                yield DocumentError(item.doc_id, "duplicate doc_id: an earlier document has "
                                    "this id, so this one is not read")
                continue
            seen.add(item.doc_id)
        yield item


def check_inputs(inputs: Iterable[str | Path], *, text_column: str = "text",
                 id_column: str | None = None, published_column: str | None = None) -> None:
    """Raise `InputError` for a usage mistake seen without reading the documents: an input
    that does not exist or has an unsupported format, or a table or JSON Lines file
    (given directly) that lacks a named column, judged by its header or first record."""
    from .errors import InputError

    columns = Columns(text=text_column, id=id_column, published=published_column)
    for raw in inputs:
        path = Path(raw)
        if str(raw) == "-" or path.is_dir():
            continue
        if not path.exists():
            raise InputError(str(raw), "input does not exist")
        if _reader(path) is None:
            expected = ", ".join(SUPPORTED_SUFFIXES)
            raise InputError(str(raw), f"unsupported input format {path.suffix or path.name!r}"
                             f" (expected {expected})")
        names = _first_names(path)
        if names is not None and (problem := _missing_columns(names, columns)) is not None:
            raise InputError(str(raw), problem)


def _first_names(path: Path) -> list[str] | None:
    """The column names of a table's header, or the keys of a JSON Lines file's first
    object; None when they cannot be had cheaply (the readers then report per document)."""
    name = path.name.lower()
    try:
        if name.endswith(".parquet"):
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        if name.endswith(".csv"):
            with path.open("rb") as handle:
                head = _decode(handle.read(65536))[0]
            first = head.splitlines()[0] if head.strip() else ""
            return next(csv.reader([first], delimiter=sniff_delimiter(head)), [])
        if name.endswith((".jsonl", ".ndjson")):
            with path.open("rb") as handle:
                for raw in handle:
                    if raw.strip():
                        row = json.loads(raw)
                        return list(row) if isinstance(row, dict) else None
    except (OSError, ValueError):
        return None
    return None


def _read_all(inputs: Iterable[str | Path], columns: Columns) -> Iterator[Item]:
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            yield from _folder(path, columns)
        elif not path.exists():
            yield DocumentError(path.as_posix(), "input does not exist", str(path))
        elif (reader := _reader(path)) is None:
            expected = ", ".join(SUPPORTED_SUFFIXES)
            reason = f"unsupported input format {path.suffix or path.name!r} (expected {expected})"
            yield DocumentError(path.as_posix(), reason, str(path))
        else:
            yield from _guarded(reader, path, path.as_posix(), columns)
