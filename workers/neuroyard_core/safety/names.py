"""Names people give things, made safe to show: the bidirectional embedding, override and isolate
controls (U+202A-U+202E, U+2066-U+2069) are removed, so that "report\u202eexe.png" cannot show
as "reportgnp.exe" in a list. Other characters, right-to-left scripts included, are kept."""

from __future__ import annotations

import re

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def shown_name(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)
