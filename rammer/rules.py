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
