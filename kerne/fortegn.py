"""The sign rules of the follow-up arithmetic and the legends printed under the tables that explain them.

Every afvigelse in the application (a round's Tabel 1 and 2, a ledelsesinformation's estimate and month status, an
årsregnskab's result) is forventet (or realised) spending minus the budget it is held against: + = merforbrug,
− = mindreforbrug. The functions here are the only place that subtraction is written.
"""

from decimal import Decimal

FORTEGN_KORREKTIONER = ("+ = bevillingsrammen opskrives med beløbet", "- = bevillingsrammen nedskrives med beløbet")
FORTEGN_AFVIGELSE = ("+ = merforbrug", "- = mindreforbrug")


def afvigelse(forventet: Decimal, budget: Decimal) -> Decimal:
    """Forventet forbrug − budget; + = merforbrug, − = mindreforbrug."""
    return forventet - budget


def resultat_efter_overfoersler(regnskab: Decimal, overfoert: Decimal, korrigeret_budget: Decimal) -> Decimal:
    """An årsregnskab's result: regnskab + overført − korrigeret budget, signed as an afvigelse."""
    return afvigelse(regnskab + overfoert, korrigeret_budget)
