"""Legacy Vietnamese encodings: TCVN3 (ABC, fonts ".VnTime"…) and VNI-Windows ("VNI-Times"…).

Text typed with legacy fonts reaches us as the raw single-byte codes read as Windows-1252
("NguyÔn V¨n A", "Nguyeãn Vaên A" for "Nguyễn Văn A"). The code tables are data files
(`tcvn3.tsv`, `vni.tsv`) next to this module.

Detection is by Vietnamese syllable structure, not by single characters: every word that holds a
non-ASCII character is read three ways (as it is, as TCVN3, as VNI) and votes for the readings
under which it is a well-formed Vietnamese syllable (onset + rhyme, at most one tone, on a vowel
that may carry it, only sắc or nặng on a rhyme ending in p/t/c/ch). A legacy reading counts only
when the encoding accounts for every non-ASCII character of the word. A word whose legacy reading
is made only of Vietnamese letters while the word itself is not ("§V" → "ĐV") gives half a vote.
A text holding any character that no legacy string can contain (ă, ơ, ư, đ, ạ…, combining marks)
is Unicode. Ties mean "not legacy", so ordinary Unicode Vietnamese ("Tô", "cá", whose TCVN3
readings "Tụ", "cỏ" are also words) is left alone; `repair` pools the votes of a column to settle
such cells.

TCVN3 has no codes for toned capitals: they are typed with the lower-case codes (and .VnTimeH
fonts draw those as capitals). On decoding, a toned letter becomes a capital when its word is in
capitals (no small letter and a capital after its first letter, "¾M" → "ẮM"; or no small letter in a
text that has such a word), or when it starts a word in a text whose words all start with a capital
("Lª ThÞ ¸nh" → "Lê Thị Ánh"). "§ç Bã" stays "Đỗ Bó": it could be "ĐỖ BÓ", but proper case is the
likelier reading of a cell that says nothing more.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

__all__ = ["ENCODINGS", "decode", "detect", "encode", "repair", "repair_codes", "repair_text"]

ENCODINGS = ("tcvn3", "vni")


# --------------------------------------------------------------------------- tables
def _load(name: str) -> list[tuple[str, str]]:
    """(legacy string as read in Windows-1252, Unicode letter) pairs of a .tsv table."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("legacy_hex"):
            continue
        hex_codes, letter = line.split("\t")[:2]
        legacy = bytes(int(h, 16) for h in hex_codes.split()).decode("cp1252")
        pairs.append((legacy, unicodedata.normalize("NFC", letter)))
    return pairs


_TCVN3_PAIRS = _load("tcvn3.tsv")
_VNI_PAIRS = _load("vni.tsv")

# TCVN3: one code per letter.
_T_DECODE = {ord(code): letter for code, letter in _TCVN3_PAIRS}
_T_ENCODE: dict[int, str] = {ord(letter): code for code, letter in _TCVN3_PAIRS}
for _code, _letter in _TCVN3_PAIRS:  # toned capitals: typed with the lower-case code
    _upper = _letter.upper()
    if ord(_upper) not in _T_ENCODE:
        _T_ENCODE[ord(_upper)] = _code
_T_CAPITALS = frozenset(code for code, letter in _TCVN3_PAIRS if letter.isupper())
_T_LETTERS = frozenset(letter for _, letter in _TCVN3_PAIRS)
# codes of toned letters: lower case in the table, but also typed for the capitals VN3 lacks
_T_TONED = frozenset(
    code for code, letter in _TCVN3_PAIRS if letter.islower() and letter.upper() not in _T_LETTERS
)
_T_LOWER_PLAIN = frozenset(
    code for code, letter in _TCVN3_PAIRS if letter.islower() and code not in _T_TONED
)

# VNI: base letter + modifier, or one byte. The case of a pair follows its base letter, so that a
# text re-cased by a spreadsheet ("Aù", "aÙ") still reads right.
_V_DECODE: dict[str, str] = {}
_V_ENCODE: dict[int, str] = {}
for _seq, _letter in _VNI_PAIRS:
    _V_ENCODE[ord(_letter)] = _seq
    _V_DECODE[_seq] = _letter
for _seq, _letter in _VNI_PAIRS:
    if len(_seq) == 2:
        for _mod in {_seq[1].lower(), _seq[1].upper()}:
            _V_DECODE.setdefault(_seq[0] + _mod, _letter)
_V_RE = re.compile("|".join(re.escape(s) for s in sorted(_V_DECODE, key=len, reverse=True)))
_V_CODES = frozenset(
    "".join(s for s in _V_DECODE if len(s) == 1) + "".join(s[1] for s in _V_DECODE if len(s) == 2)
)
_V_HINT_RE = re.compile("[" + re.escape("".join(sorted(_V_CODES))) + "]")

# A legacy string read as Windows-1252 (or Latin-1) only holds these characters.
_CP1252_EXTRA = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
_NOT_LEGACY_RE = re.compile("[^\x00-\xff" + re.escape(_CP1252_EXTRA) + "]")
# Word characters of legacy text: ASCII letters and the Latin-1 letters and symbols the tables use.
_WORD_CLASS = "A-Za-z\u00a1-\u00ae\u00b5-\u00b9\u00bb-\u00be\u00c0-\u00ff"
_WORD_RE = re.compile(f"[{_WORD_CLASS}]+")
_T_TONED_CLASS = re.escape("".join(sorted(_T_TONED)))
_T_UPPER_CLASS = "A-Z" + re.escape("".join(sorted(_T_CAPITALS)))
_T_LOWER_CLASS = "a-z" + re.escape("".join(sorted(_T_LOWER_PLAIN)))
_T_TONED_RE = re.compile(f"[{_T_TONED_CLASS}]")
_T_UPPER_RE = re.compile(f"[{_T_UPPER_CLASS}]")
_T_LOWER_RE = re.compile(f"[{_T_LOWER_CLASS}]")
_T_START_UPPER_RE = re.compile(f"(?<![{_WORD_CLASS}])[{_T_UPPER_CLASS}]")
_T_START_LOWER_RE = re.compile(f"(?<![{_WORD_CLASS}])[{_T_LOWER_CLASS}]")
_T_TONED_WORD_RE = re.compile(f"([{_WORD_CLASS}]*[{_T_TONED_CLASS}][{_WORD_CLASS}]*)")


# --------------------------------------------------------------------------- conversion
def _decode_tcvn3(text: str) -> str:
    if _T_TONED_RE.search(text) is None or _T_UPPER_RE.search(text) is None:
        return text.translate(_T_DECODE)
    # capitals are possible: decide the case of the words that hold a toned code
    has_lower = _T_LOWER_RE.search(text) is not None
    all_caps = not has_lower and any(
        _T_UPPER_RE.search(w, 1) for w in _WORD_RE.findall(text)
    )  # some word has a capital after its first letter, and no letter anywhere is small
    title = _T_START_LOWER_RE.search(text) is None and _T_START_UPPER_RE.search(text) is not None
    parts = _T_TONED_WORD_RE.split(text)  # plain, word, plain, word, …, plain
    for i in range(1, len(parts), 2):
        w = parts[i]
        word = w.translate(_T_DECODE)
        lo = _T_LOWER_RE.search(w) is not None
        if not lo and (all_caps or _T_UPPER_RE.search(w, 1)):
            word = word.upper()
        elif title and w[0] in _T_TONED:
            word = word[0].upper() + word[1:]
        parts[i] = word
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].translate(_T_DECODE)
    return "".join(parts)


def _decode_vni(text: str) -> str:
    if _V_HINT_RE.search(text) is None:
        return text
    return _V_RE.sub(lambda m: _V_DECODE[m.group()], text)


def decode(text: str, encoding: str) -> str:
    """Legacy string ('tcvn3' or 'vni', as read in Windows-1252) → Unicode NFC, unconditionally."""
    if encoding == "tcvn3":
        out = _decode_tcvn3(text)
    elif encoding == "vni":
        out = _decode_vni(text)
    else:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    return unicodedata.normalize("NFC", out)


def encode(text: str, encoding: str) -> str:
    """Unicode → the legacy string ('tcvn3' or 'vni') as it reads in Windows-1252.

    TCVN3 toned capitals become the lower-case codes (VN3 has none). Characters outside the
    Vietnamese alphabet are left as they are. `str.encode("cp1252")` of the result gives the bytes.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        return text.translate(_T_ENCODE)
    if encoding == "vni":
        return text.translate(_V_ENCODE)
    raise ValueError(f"unknown legacy encoding: {encoding!r}")


# --------------------------------------------------------------------------- syllables
_TONE_MARKS = {"\u0300": 2, "\u0301": 1, "\u0309": 3, "\u0303": 4, "\u0323": 5}


def _vietnamese_letters() -> dict[str, tuple[str, int]]:
    """Lower-case Vietnamese letter → (letter without tone, tone 0–5)."""
    table = {}
    for base in "aăâeêioôơuưy":
        table[base] = (base, 0)
        for mark, tone in _TONE_MARKS.items():
            table[unicodedata.normalize("NFC", base + mark)] = (base, tone)
    for ch in "bcdghklmnpqrstvx":
        table[ch] = (ch, 0)
    table["đ"] = ("đ", 0)
    table["ð"] = ("đ", 0)  # Eth, often typed for Đ in Unicode files
    return table


def _split(words: str) -> list[str]:
    return words.split()


_LETTERS = _vietnamese_letters()
_VN_LETTERS = (
    frozenset(_LETTERS)
    | frozenset(ch.upper() for ch in _LETTERS)
    | frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
)
_RHYMES = _split("""
a ai ao au ay ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e eo ec em en eng ep et ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oi oc om on ong op ot oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
oe oec oem oen oeo oet ooc oong ô ôi ôc ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua ui uc um un ung up ut uân uâng uât uây uê uêch uênh uy uya uych uyên uyêt uyn uynh uyp uyt
uyu uôc uôi uôm uôn uông uôt uơ ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêng yêt yêu
""")
_RHYME_SET = frozenset(_RHYMES)
_ONSETS = frozenset(_split("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x"))
_MODIFIED = frozenset("ăâêôơư")


def _tone_places(rhyme: str) -> frozenset[int]:
    """Where a tone mark may sit in a rhyme (old and new placement both allowed)."""
    n = 0
    while n < len(rhyme) and rhyme[n] in "aăâeêioôơuưy":
        n += 1
    modified = [i for i in range(n) if rhyme[i] in _MODIFIED]
    if modified:
        return frozenset({modified[-1]})
    if n < len(rhyme) or n == 1:  # a coda, or a single vowel: the last vowel
        return frozenset({n - 1})
    if n == 2:
        return frozenset({0, 1}) if rhyme in ("oa", "oe", "uy") else frozenset({0})
    return frozenset({1})


_TONE_PLACES = {rhyme: _tone_places(rhyme) for rhyme in _RHYMES}


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: onset + rhyme, at most one tone, on the right vowel, and
    only sắc or nặng on a rhyme that ends in p, t, c or ch."""
    tone = 0
    tone_at = -1
    base = []
    for i, ch in enumerate(word.lower()):
        entry = _LETTERS.get(ch)
        if entry is None:
            return False
        if entry[1]:
            if tone:
                return False
            tone, tone_at = entry[1], i
        base.append(entry[0])
    letters = "".join(base)
    for k in (0, 1, 2, 3):
        if k and letters[:k] not in _ONSETS:
            continue
        rhyme = letters[k:]
        if rhyme not in _RHYME_SET:
            continue
        stop = rhyme[-1] in "cpt" or rhyme.endswith("ch")
        if stop and tone not in (1, 5):  # p, t, c, ch take only sắc or nặng
            continue
        if tone and tone_at - k not in _TONE_PLACES[rhyme]:
            continue
        return True
    return False


def _is_vietnamese_letters(word: str) -> bool:
    return all(ch in _VN_LETTERS for ch in word)


# --------------------------------------------------------------------------- detection
_Votes = tuple[float, float, float]  # (unicode, tcvn3, vni)
_ZERO: _Votes = (0.0, 0.0, 0.0)
_UNICODE: _Votes = (1.0, 0.0, 0.0)


def _tcvn3_reading(word: str) -> str | None:
    """The word read as TCVN3, or None when a non-ASCII character of it is no TCVN3 code."""
    if any(ord(ch) > 0x7F and ord(ch) not in _T_DECODE for ch in word):
        return None
    return word.translate(_T_DECODE)


def _vni_reading(word: str) -> str | None:
    """The word read as VNI, or None when a non-ASCII character of it is in no VNI sequence."""
    if not _V_RE.sub("", word).isascii():
        return None
    return _decode_vni(word)


@lru_cache(maxsize=65536)
def _word_votes(word: str) -> _Votes:
    """Votes of one non-ASCII word. A legacy reading counts only when the encoding accounts for
    every non-ASCII character of the word."""
    original_valid = _is_syllable(word)
    original_letters = original_valid or _is_vietnamese_letters(word)
    # a lone symbol ("25× the data", "§ 3") is weak evidence even when its reading is a word
    full = 0.5 if len(word) == 1 and not word.isalpha() else 1.0
    votes = [0.0, 0.0, 0.0]
    any_reading_valid = False
    for i, reading in ((1, _tcvn3_reading(word)), (2, _vni_reading(word))):
        if reading is None:
            continue
        valid = _is_syllable(reading)
        any_reading_valid = any_reading_valid or valid
        if valid and not original_valid:
            votes[i] = full
        elif not original_letters and _is_vietnamese_letters(reading):
            votes[i] = 0.5
    if original_valid and not any_reading_valid:
        votes[0] = 1.0
    return votes[0], votes[1], votes[2]


def _text_votes(text: str) -> _Votes:
    """Votes of an NFC text; ASCII gives none, a character no legacy string holds gives Unicode."""
    if text.isascii():
        return _ZERO
    if _NOT_LEGACY_RE.search(text) is not None:
        return _UNICODE
    u = t = v = 0.0
    for word in _WORD_RE.findall(text):
        if not word.isascii():
            wu, wt, wv = _word_votes(word)
            u += wu
            t += wt
            v += wv
    return u, t, v


def _decide(votes: _Votes, margin: float = 1.0) -> str | None:
    u, t, v = votes
    best = max(t, v)
    if best < 1.0 or t == v or best <= margin * u:
        return None
    return "tcvn3" if t > v else "vni"


def detect(text: str) -> str | None:
    """'tcvn3', 'vni', or None (Unicode, ASCII, or not enough evidence) for one text."""
    return _decide(_text_votes(unicodedata.normalize("NFC", text)))


def repair_text(text: str) -> str:
    """The text in Unicode NFC, converted from TCVN3 or VNI when it is detected as such."""
    text = unicodedata.normalize("NFC", text)
    encoding = _decide(_text_votes(text))
    return decode(text, encoding) if encoding else text


def repair(values: Iterable[str | None]) -> list[str | None]:
    """Repair a column. The column's pooled votes decide cells that are ambiguous on their own
    ("Tó" is Unicode "Tó" and TCVN3 "Tú"); a cell with its own clear verdict follows it, so a
    mixed column is repaired cell by cell. None (and any non-text value) is kept as it is."""
    values = list(values)
    cells: list[tuple[str, _Votes] | None] = []
    pooled_u = pooled_t = pooled_v = 0.0
    for value in values:
        if not isinstance(value, str):
            cells.append(None)
            continue
        text = unicodedata.normalize("NFC", value)
        votes = _text_votes(text)
        pooled_u += votes[0]
        pooled_t += votes[1]
        pooled_v += votes[2]
        cells.append((text, votes))
    column = _decide((pooled_u, pooled_t, pooled_v), margin=2.0)
    out: list[str | None] = []
    for value, cell in zip(values, cells, strict=True):
        if cell is None:
            out.append(value)
            continue
        text, votes = cell
        encoding = _decide(votes)
        if encoding is None and column is not None and votes[0] == 0:
            encoding = column
        out.append(decode(text, encoding) if encoding else text)
    return out


# --------------------------------------------------------------------------- codes
def _code_readings(text: str) -> list[str]:
    """The encodings under which every non-ASCII letter run of an identifier ("482274ÑV") reads
    as Vietnamese capitals: codes are written in capitals, so "ÑV" is VNI "ĐV" and not TCVN3
    "ẹV". Syllables say nothing here (a code's letters are initials, not words)."""
    runs = [run for run in _WORD_RE.findall(text) if not run.isascii()]
    found = []
    for encoding, reading in (("tcvn3", _tcvn3_reading), ("vni", _vni_reading)):
        readings = [reading(run) for run in runs]
        if runs and all(
            r is not None and r.isupper() and _is_vietnamese_letters(r) for r in readings
        ):
            found.append(encoding)
    return found


def repair_codes(values: Iterable[str | None]) -> list[str | None]:
    """Repair a column of identifiers (Số lý lịch: digits and capitals). A cell that reads as
    capitals under one legacy encoding only is converted by it; a cell that reads so under
    both follows the column's majority. A cell holding a character no legacy string holds
    (real Unicode: "Đ", "Ư") is left as it is, and so is ASCII."""
    values = list(values)
    readings: list[list[str]] = []
    votes = dict.fromkeys(ENCODINGS, 0)
    for value in values:
        if not isinstance(value, str) or value.isascii() or _NOT_LEGACY_RE.search(value):
            readings.append([])
            continue
        found = _code_readings(unicodedata.normalize("NFC", value))
        readings.append(found)
        for encoding in found:
            votes[encoding] += 1
    ranked = sorted(votes, key=lambda encoding: votes[encoding], reverse=True)
    column = ranked[0] if votes[ranked[0]] > votes[ranked[1]] else None
    out: list[str | None] = []
    for value, found in zip(values, readings, strict=True):
        chosen = found[0] if len(found) == 1 else (column if column in found else None)
        if chosen and isinstance(value, str):  # (found is empty for a cell that is no text)
            out.append(decode(unicodedata.normalize("NFC", value), chosen))
        else:
            out.append(value)
    return out
