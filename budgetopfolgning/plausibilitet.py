"""When a forecast looks mistyped: the form then asks "Ja, beløbet er rigtigt" before it saves, never silently.

A forecast typed in the wrong unit (18.000 for 18.000.000) lands far from the budget; one that jumps from the last
round's usually has a slip of a digit. Both can be right, so this only asks.
"""

from decimal import Decimal

from kerne.beloeb import tusind_kr

TIENDEDEL = Decimal("0.1")
TI_GANGE = Decimal("10")
HALVDELEN = Decimal("0.5")


def tvivl(forventet: Decimal, korrigeret: Decimal, forrige: Decimal | None) -> str | None:
    """Why `forventet` looks mistyped against the korrigeret budget and last round's forecast, or None.

    Less than a tenth or more than ten times the korrigeret budget (a budget of 0 has no such scale), or more than
    50 % from last round's forecast (a year's first round has none).
    """
    if korrigeret != 0:
        forhold = forventet / korrigeret
        if forhold < TIENDEDEL:
            return (
                f"Det forventede forbrug er under en tiendedel af det korrigerede budget på "
                f"{tusind_kr(korrigeret)} t.kr. Er beløbet skrevet i kroner?"
            )
        if forhold > TI_GANGE:
            return (
                f"Det forventede forbrug er over ti gange det korrigerede budget på {tusind_kr(korrigeret)} t.kr."
            )
    if forrige is not None and forrige != 0 and abs(forventet - forrige) > abs(forrige) * HALVDELEN:
        return (
            f"Det forventede forbrug ændrer sig mere end 50 % fra sidste budgetopfølgnings "
            f"{tusind_kr(forrige)} t.kr."
        )
    return None
