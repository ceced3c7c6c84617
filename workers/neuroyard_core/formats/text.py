"""How text becomes token numbers, as Keras' TextVectorization does it by default (lowercase,
strip punctuation, split on whitespace; 0 pads, 1 is out of vocabulary). Ingestion encodes
datasets with it, the web encodes prediction inputs, the engine re-encodes between vocabularies."""

from __future__ import annotations

import re

# The two entries every vocabulary starts with, and their token numbers.
PADDING_TOKEN, OUT_OF_VOCABULARY_TOKEN = "", "[UNK]"
PADDING, OUT_OF_VOCABULARY = 0, 1
RESERVED_TOKENS = frozenset({PADDING_TOKEN, OUT_OF_VOCABULARY_TOKEN})

_PUNCTUATION = re.compile(r"[!\"#$%&()\*\+,\-\./:;<=>?@\[\\\]^_`{|}~']")


def tokens(text: str) -> list[str]:
    return _PUNCTUATION.sub("", text.lower()).split()
