"""Which text encoding a bank file is in.

Order: a byte-order mark; then strict UTF-8 (which almost never decodes text written in
another encoding by accident); then charset-normalizer. The detector is trusted for
multi-byte encodings (EUC-JP, EUC-KR, GB18030, Big5, Shift-JIS): short single-byte files
cannot be told apart by statistics (cp1250, cp775 and cp1252 decode "Café" alike), and
Western bank exports that are not UTF-8 are windows-1252, so that is the single-byte answer.
A user's "ISO-8859-1" is windows-1252 as well, as browsers (WHATWG) read it: byte 0x80 is €.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MULTI_BYTE = {
    "euc_jp",
    "euc_jis_2004",
    "euc_jisx0213",
    "shift_jis",
    "shift_jis_2004",
    "shift_jisx0213",
    "cp932",
    "iso2022_jp",
    "euc_kr",
    "cp949",
    "johab",
    "gb2312",
    "gbk",
    "gb18030",
    "hz",
    "big5",
    "big5hkscs",
    "cp950",
}
# Labels browsers decode as windows-1252 (WHATWG Encoding Standard).
_WINDOWS_1252_LABELS = {"latin_1", "iso8859_1", "ascii", "cp1252"}
_WESTERN = "cp1252"


def python_codec(label: str) -> str:
    """A user's or a file's encoding label as a Python codec name; LookupError if unknown."""
    name = codecs.lookup(label.strip()).name.replace("-", "_")
    if name in _WINDOWS_1252_LABELS:
        return _WESTERN
    return codecs.lookup(name).name


def detect_encoding(sample: bytes) -> str:
    """The codec to read `sample` (the start of a file, or all of it) with."""
    for bom, codec in _BOMS:
        if sample.startswith(bom):
            return codec
    if _is_utf8(sample):
        return "utf-8"
    best = from_bytes(sample).best()
    guess = codecs.lookup(best.encoding).name.replace("-", "_") if best else None
    if guess in _MULTI_BYTE:
        return guess
    return _WESTERN


def decode(data: bytes, codec: str) -> str:
    """The text of `data`; windows-1252's five unassigned bytes fall back to latin-1."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        if codec != _WESTERN:
            raise
        return data.decode("latin-1")


def _is_utf8(sample: bytes) -> bool:
    # Incremental, so a sample cut in the middle of a character still counts as UTF-8.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True
