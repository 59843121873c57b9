"""Who may do what with rounds, as `rules` predicates. The matrix is written out in docs/adgang.md.

Objects: a round (`Opfoelgning`), or a `RammeIOpfoelgning` for editing one ramme in one round.
"""

from dataclasses import dataclass

import rules

from budgetopfolgning.models import Opfoelgning
from kerne.roller import er_konsulent, er_okonomi
from rammer.models import Bevillingsramme
from rammer.rules import er_ansvarlig_for


@dataclass(frozen=True)
class RammeIOpfoelgning:
    opfoelgning: Opfoelgning
    ramme: Bevillingsramme


@rules.predicate
def opfoelgning_er_aaben(user, obj: "Opfoelgning | RammeIOpfoelgning | None") -> bool:
    """The one rule for "may this round still change": it is open."""
    opfoelgning = obj.opfoelgning if isinstance(obj, RammeIOpfoelgning) else obj
    return opfoelgning is not None and not opfoelgning.er_laast


@rules.predicate
def opfoelgning_er_laast(user, obj: Opfoelgning | None) -> bool:
    return obj is not None and obj.er_laast


@rules.predicate
def er_ansvarlig_for_rammen(user, obj: RammeIOpfoelgning) -> bool:
    return er_ansvarlig_for(user, obj.ramme)


kan_se_opfoelgning = er_okonomi | er_konsulent | opfoelgning_er_laast
kan_redigere_ramme = opfoelgning_er_aaben & (er_okonomi | (er_konsulent & er_ansvarlig_for_rammen))

rules.add_perm("budgetopfolgning.se_opfoelgning", kan_se_opfoelgning)
rules.add_perm("budgetopfolgning.rediger_ramme", kan_redigere_ramme)
rules.add_perm("budgetopfolgning.laas_opfoelgning", er_okonomi & opfoelgning_er_aaben)
rules.add_perm("budgetopfolgning.aabn_opfoelgning", er_okonomi)
# A budget file uploaded in the browser, and the progress page of an import job.
rules.add_perm("budgetopfolgning.importer_budget", er_okonomi)
rules.add_perm("budgetopfolgning.dan_bilag", er_okonomi & opfoelgning_er_laast)

# The review of a round (gennemgang.py): whoever edits a ramme marks it ready and comments on it; only Center for
# Økonomi approves or sends back.
rules.add_perm("budgetopfolgning.meld_klar", kan_redigere_ramme)
rules.add_perm("budgetopfolgning.kommenter_ramme", kan_redigere_ramme)
rules.add_perm("budgetopfolgning.godkend_ramme", er_okonomi & opfoelgning_er_aaben)
# The thread stays with the round: after the lock those who wrote in it still read it (never the udvalg).
rules.add_perm("budgetopfolgning.se_kommentarer", er_okonomi | (er_konsulent & er_ansvarlig_for_rammen))
