"""Where a run may write: never over, nor into, what it reads.

Checked before anything is read or created, so a mistyped `-o` costs nothing: the input
stays as it was and no half-written output appears.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError


def refuse_overwriting_inputs(inputs: Iterable[str | Path], outputs: Iterable[str | Path]) -> None:
    """Raise `InputError` when an output is an input file, an input folder, or lies inside one.

    A file inside an input folder would be read back as a document by the next run over
    that folder, so it counts as overwriting the input too. `-` (standard input/output)
    is not a path and is skipped.
    """
    sources = [(str(raw), Path(raw).resolve()) for raw in inputs if str(raw) != "-"]
    for raw_output in outputs:
        if str(raw_output) == "-":
            continue
        output = Path(raw_output).resolve()
        for shown, source in sources:
            if _same(output, source):
                raise InputError(str(raw_output), f"is also an input ({shown}); refusing to "
                                 "overwrite it: choose another output")
            if source.is_dir() and output.is_relative_to(source):
                raise InputError(str(raw_output), f"lies inside the input folder {shown}; "
                                 "refusing to write among the inputs: choose another output")


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
