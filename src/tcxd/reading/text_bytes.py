"""What encoding a text's bytes are in, as far as their first bytes tell: the byte-order marks,
and UTF-16/32 without one. Shared by the guards (is it text at all?) and the CSV reader."""

from __future__ import annotations

import codecs

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM starts it
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(sample: bytes) -> str | None:
    """The encoding of a text in UTF-32 or UTF-16, told by its BOM or, without one, by where its
    NUL bytes fall (the high bytes of mostly ASCII characters); None for a byte-wide text."""
    for bom, encoding in BOMS[1:]:
        if sample.startswith(bom):
            return encoding
    sample = sample[: 4096 - 4096 % 4]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    zeros = [sample[offset::4].count(0) / len(sample[offset::4]) for offset in range(4)]
    if zeros[2] > 0.99 and zeros[3] > 0.99 and zeros[0] < 0.5:
        return "utf-32-le"
    if zeros[0] > 0.99 and zeros[1] > 0.99 and zeros[3] < 0.5:
        return "utf-32-be"
    even, odd = (zeros[0] + zeros[2]) / 2, (zeros[1] + zeros[3]) / 2
    if odd > 0.5 and even < 0.05:
        return "utf-16-le"
    if even > 0.5 and odd < 0.05:
        return "utf-16-be"
    return None
