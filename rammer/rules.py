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
