"""Who may edit a ramme's own data (årsregnskab, ledelsesinformation, budget model), as `rules` predicates.

Everyone logged in reads these pages. Center for Økonomi edits every ramme; an økonomikonsulent only the rammer
assigned to them through `Rammeansvar`. A ramme belongs to one year, so an assignment is for that year only.
"""

import rules

from budgetopfolgning.rules import er_konsulent, er_okonomi
from rammer.models import Bevillingsramme, Rammeansvar


@rules.predicate
def er_ansvarlig_for(user, ramme: Bevillingsramme):
    return ramme is not None and Rammeansvar.objects.filter(bruger=user, ramme=ramme).exists()


kan_redigere_rammedata = er_okonomi | (er_konsulent & er_ansvarlig_for)

rules.add_perm("rammer.rediger_rammedata", kan_redigere_rammedata)
