"""Who is responsible for a ramme: the one place that rule is written.

Center for Økonomi edits every ramme; an økonomikonsulent only the rammer assigned to them through `Rammeansvar`.
A ramme belongs to one year, so an assignment is for that year only. The rounds' and the ramme pages' rules are
built from these predicates.
"""

import rules

from kerne.roller import er_konsulent, er_okonomi
from rammer.models import Bevillingsramme, Rammeansvar


@rules.predicate
def er_ansvarlig_for(user, ramme: Bevillingsramme | None) -> bool:
    return ramme is not None and Rammeansvar.objects.filter(bruger=user, ramme=ramme).exists()


kan_redigere_rammen = er_okonomi | (er_konsulent & er_ansvarlig_for)

rules.add_perm("rammer.rediger_rammedata", kan_redigere_rammen)


def redigerbare_rammer(user, aar_id: int) -> set[int] | None:
    """The pks of the year's rammer the user may edit data of, for pages that list many at once: None for all
    (Center for Økonomi), else the rammer assigned to them. The same rule as `kan_redigere_rammen`, in one query."""
    if er_okonomi(user):
        return None
    if not er_konsulent(user):
        return set()
    return set(Rammeansvar.objects.filter(bruger=user, ramme__aar_id=aar_id).values_list("ramme_id", flat=True))


def ingen_adgang_til(ramme: Bevillingsramme) -> str:
    """The 403 message for someone who may not edit the ramme: it names who is responsible, so the user knows whom
    to ask (full names; the username only for a user without one)."""
    navne = [
        a.bruger.get_full_name() or a.bruger.get_username()
        for a in Rammeansvar.objects.filter(ramme=ramme).select_related("bruger").order_by("bruger__first_name",
                                                                                            "bruger__username")
    ]
    hvad = f"{ramme.nummer} {ramme.navn}"
    if not navne:
        return f"Du kan ikke redigere {hvad}. Ingen økonomikonsulent er ansvarlig for den; kontakt Center for Økonomi."
    if len(navne) == 1:
        hvem = navne[0]
    else:
        hvem = ", ".join(navne[:-1]) + " og " + navne[-1]
    return f"Du kan ikke redigere {hvad}. Ansvarlig for rammen: {hvem}. Kontakt dem eller Center for Økonomi."
