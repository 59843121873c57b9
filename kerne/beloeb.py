"""Amounts: the one money field, display rounding, and the one reading of amounts from text and numbers.

Amounts are stored exactly in kroner (øre as decimals). Rounding happens only when a figure is shown,
half away from zero, and a rounded zero is never shown as "-0".

Every rule about what an amount may look like is here: typed text and CSV cells are read in Danish notation
(`parse_dansk`), our JSON data files in machine notation (`beloeb_fra_json`), spreadsheet numbers as numbers
(`beloeb_fra_tal`), and all three end in the same amount rules. Callers only turn the `UgyldigtTal` raised here
(`UgyldigtBeloeb` for amounts) into their own kind of error: a form error, a line and column, a place in a file.
"""

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils.numberformat import format as number_format

NUL = Decimal("0")
TUSIND = Decimal("1000")
MIO = Decimal("1000000")
MAKS_BELOEB = Decimal("1e13")  # BeloebField holds 13 digits of kroner and 2 of øre


class BeloebField(models.DecimalField):
    """An amount in kroner with øre: the only money field in the project."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", NUL)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("max_digits", 15), ("decimal_places", 2)):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, path, args, kwargs


def rund(value: Decimal, decimaler: int = 0) -> Decimal:
    """Round half away from zero (Decimal's ROUND_HALF_UP), and turn -0 into 0."""
    quantum = Decimal(1).scaleb(-decimaler)
    result = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if result == 0:
        result = abs(result)
    return result


MINUS = "\u2212"  # the typographic minus: a hyphen reads as a dash to screen readers and breaks lines


def dansk_tal(value: Decimal, decimaler: int = 0, *, minus: str = MINUS) -> str:
    """Danish notation with a dot between thousands and a comma for decimals: 3.292.768, −1.554, 45,2.

    Negative figures get the minus sign U+2212, as shown on pages and paper; `minus="-"` gives the hyphen-minus
    for text a person edits. Exports keep numbers as numbers and never come here.
    """
    rounded = rund(value, decimaler)
    tekst = number_format(
        rounded,
        decimal_sep=",",
        decimal_pos=decimaler,
        grouping=3,
        thousand_sep=".",
        force_grouping=True,
        use_l10n=False,
    )
    return minus + tekst[1:] if tekst.startswith("-") else tekst


def tusind_kr(value: Decimal) -> str:
    """An amount in kroner shown in 1.000 kr. as the tables print it."""
    return dansk_tal(Decimal(value) / TUSIND)


def mio_kr(value: Decimal, decimaler: int = 1) -> str:
    """An amount in kroner shown in mio. kr. (one decimal in sentences, two in the proposal overview)."""
    return dansk_tal(Decimal(value) / MIO, decimaler)


# Danish notation, as people type it and Danish spreadsheets export it. Only ASCII digits: other scripts' digits
# are not amounts here.
_DANSK = re.compile(
    r"""^(?P<sign>[+-]?)                    # a leading + is a sign too: the edit form says "+ = rammen opskrives"
        (?P<int>\d{1,3}(?:\.\d{3})+|\d+)   # 1.234.567 with exact thousand groups, or plain digits
        (?:,(?P<dec>\d+))?$""",
    re.VERBOSE | re.ASCII,
)

# Machine notation, as programs write numbers and our JSON data files hold them: a point before the decimals and
# nothing between thousands.
_MASKINE = re.compile(r"^(?P<sign>[+-]?)(?P<int>\d+)(?:\.(?P<dec>\d+))?$", re.ASCII)

OERE = Decimal("0.01")
# A spreadsheet float such as 0.1 + 0.2 = 0.30000000000000004 carries noise far below one øre.
FLOATSTOEJ = Decimal("0.000001")


class UgyldigtTal(ValueError):
    """Text or a number that breaks the rules below; the message is Danish and can be shown as it is."""


class UgyldigtBeloeb(UgyldigtTal):
    """An amount that breaks the rules; a kind of UgyldigtTal, so a caller reading any number catches both."""


def _decimaler_tekst(decimaler: int, skilletegn: str) -> str:
    if decimaler == 0:
        return "uden decimaler"
    antal = {1: "én decimal", 2: "to decimaler"}.get(decimaler, f"{decimaler} decimaler")
    return f"med {skilletegn} før højst {antal}"


def _tal(match: re.Match | None, decimaler: int) -> Decimal | None:
    if not match or len(match["dec"] or "") > decimaler:
        return None
    tal = Decimal(f"{match['sign']}{match['int'].replace('.', '')}.{match['dec'] or '0'}")
    return tal if tal != 0 else abs(tal)


def parse_dansk_tal(text: str, *, decimaler: int = 2) -> Decimal:
    """Parse a number in Danish notation, strictly: the one reading of typed numbers, amounts or not.

    Accepts ``1.234.567,89``, ``1234567,89``, ``-1.000``, ``+500.000``, ``0``; spaces (also non-breaking) are
    ignored and the minus sign U+2212 counts as a minus. Refuses anything a reader could take two ways, such as
    ``1.50`` (a decimal point?) or ``12.34.567`` (broken groups), and more than `decimaler` decimals.
    """
    cleaned = (text or "").strip().replace("\u2212", "-").replace("\xa0", "").replace(" ", "")
    tal = _tal(_DANSK.match(cleaned), decimaler)
    if tal is None:
        raise UgyldigtTal(
            f"»{text}« er ikke et gyldigt tal. Skriv tallet {_decimaler_tekst(decimaler, 'komma')} og eventuelt "
            f"punktum mellem tusinder, fx {'1.234' if decimaler == 0 else '1.234,5'}."
        )
    return tal


def parse_maskintal(text: str, *, decimaler: int = 2) -> Decimal:
    """Parse a number in machine notation, as programs write it: ``1250000.50``, ``-31500000``, ``0.75``, ``+500``.

    Refuses thousands separators and more than `decimaler` decimals as written: ``500.000`` is five hundred to a
    program but half a million to a Danish reader, so neither reading is taken.
    """
    tal = _tal(_MASKINE.match((text or "").strip()), decimaler)
    if tal is None:
        raise UgyldigtTal(
            f"»{text}« er ikke et tal i maskinformat. Skriv tallet {_decimaler_tekst(decimaler, 'punktum')} og "
            'intet mellem tusinder, fx "1250000.50" eller "-31500000".'
        )
    return tal


def beloeb_fra_tal(value: Decimal | int, *, fra_float: bool = False) -> Decimal:
    """Check a number as an amount: the rules every amount obeys, however it arrived.

    Finite, at most two decimals (øre) and below MAKS_BELOEB; returned exact to the øre, with -0 as 0. With
    `fra_float` the value was converted from a binary float at the import boundary (a spreadsheet cell), so float
    noise far below one øre is rounded away; real third decimals are still refused.
    """
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"An amount must be an int or a Decimal, not {type(value).__name__}.")
    return _beloeb(Decimal(value), str(value), fra_float=fra_float)


def _beloeb(value: Decimal, vist: str, *, fra_float: bool = False) -> Decimal:
    """The amount rules; `vist` is the value as the user wrote it, for the messages."""
    if not value.is_finite():
        raise UgyldigtBeloeb(f"»{vist}« er ikke et gyldigt beløb.")
    if abs(value) >= MAKS_BELOEB:
        raise UgyldigtBeloeb(f"»{vist}« er for stort et beløb.")
    rounded = value.quantize(OERE)
    if rounded != value and not (fra_float and abs(value - rounded) <= FLOATSTOEJ):
        raise UgyldigtBeloeb(f"»{vist}« har flere end to decimaler (øre).")
    if abs(rounded) >= MAKS_BELOEB:  # float noise just below the limit rounds up to it
        raise UgyldigtBeloeb(f"»{vist}« er for stort et beløb.")
    return rounded if rounded != 0 else abs(rounded)


def parse_dansk(text: str) -> Decimal:
    """Parse an amount typed in Danish notation: `parse_dansk_tal` with two decimals, then `beloeb_fra_tal`.

    Forms and the budget import read text amounts here and only here.
    """
    try:
        tal = parse_dansk_tal(text, decimaler=2)
    except UgyldigtTal as exc:
        raise UgyldigtBeloeb(
            f"»{text}« er ikke et gyldigt beløb. Skriv kroner med komma før øre og eventuelt punktum "
            "mellem tusinder, fx 1.234.567,89 eller -1000."
        ) from exc
    return _beloeb(tal, text)


# The plain amounts that fill a large file (no spaces, at most two decimals, under 10^12 kroner), which the fast
# paths below read straight to the same amount parse_dansk gives; anything else takes parse_dansk itself. Its groups
# are the sign, the kroner and the øre.
PLAIN_BELOEB = r"([+-]?)(\d{1,3}(?:\.\d{3}){0,3}|\d{1,12})(?:,(\d\d?))?"
_HURTIG = re.compile(PLAIN_BELOEB, re.ASCII)
# An amount's shape: each digit made 9. The grammar of a plain amount depends on nothing but the shape.
_FORM = str.maketrans("0123456789", "9999999999")


def plain_kolonne(celler: Sequence[str]) -> list[str] | None:
    """A file's column of amounts in machine notation ("1234.5", "-1000"), if every one is plain (PLAIN_BELOEB), else
    None. Checking the column's few distinct shapes checks all its amounts, so 100.000 cells cost a translation and a
    set. "-0" stays as it is (parse_dansk makes it 0)."""
    samlet = "\n".join(celler)
    if not all(_HURTIG.fullmatch(form) for form in set(samlet.translate(_FORM).split("\n"))):
        return None
    return samlet.replace(".", "").replace(",", ".").split("\n")


def parse_dansk_fil(text: str) -> Decimal:
    """`parse_dansk` for the cells of an imported file: the same amounts and the same errors, but a plain amount
    (``1.234.567,89``, ``-1000``) is read in a fraction of the time, as a file may hold 300.000 of them."""
    match = _HURTIG.fullmatch(text)
    if match is None:
        return parse_dansk(text)
    sign, heltal, dec = match.groups()
    tal = Decimal(f"{sign}{heltal.replace('.', '')}.{(dec or '').ljust(2, '0')}")
    return tal if tal else abs(tal)


# "18.000 t.kr." as a person may type an amount in the thousands every table shows: the suffix t.kr., t. kr. or tkr.
_TKR = re.compile(r"\s*(?:t\.\s?kr\.?|tkr\.?)\s*$", re.IGNORECASE)


def parse_indtastet(text: str) -> Decimal:
    """An amount typed into a form: kroner in Danish notation (`parse_dansk`), or in 1.000 kr. with the suffix
    "t.kr." (``18.000 t.kr.`` is 18.000.000 kr.; ``1,5 t.kr.`` is 1.500 kr.), still exact to the øre."""
    tkr = _TKR.search(text or "")
    if tkr is None:
        return parse_dansk(text)
    try:
        tal = parse_dansk_tal(text[: tkr.start()], decimaler=5) * TUSIND
    except UgyldigtTal as exc:
        raise UgyldigtBeloeb(
            f"»{text}« er ikke et gyldigt beløb i 1.000 kr. Skriv fx 18.000 t.kr. eller 1.234,5 t.kr."
        ) from exc
    return _beloeb(tal, text)


def tal_fra_json(value: object, *, decimaler: int = 2) -> Decimal:
    """A number from one of our JSON data files: a string in machine notation or a JSON integer.

    Floats are refused: the JSON reader has already turned them into binary fractions that may have lost øre.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise UgyldigtTal(
            f'forventede et tal skrevet som tekst, fx "1250000.50", eller et helt tal; fik {value!r}.'
        )
    if isinstance(value, int):
        return Decimal(value)
    return parse_maskintal(value, decimaler=decimaler)


def beloeb_fra_json(value: object) -> Decimal:
    """An amount in kroner from one of our JSON data files: `tal_fra_json`, then the amount rules."""
    return _beloeb(tal_fra_json(value, decimaler=2), str(value))


def redigerbart(value: Decimal) -> str:
    """An amount as an edit field shows it: kroner with thousands dots, øre only when there are any."""
    value = Decimal(value)
    return dansk_tal(value, 2 if value != value.to_integral_value() else 0, minus="-")
