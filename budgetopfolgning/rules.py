"""Who may do what, as `rules` predicates. The matrix is written out in docs/adgang.md.

Objects: a round (`Opfoelgning`), or a `RammeIRunde` for editing one ramme in one round.
"""

from dataclasses import dataclass

import rules

from budgetopfolgning import roller
from budgetopfolgning.models import Opfoelgning
from rammer.models import Bevillingsramme, Rammeansvar


@dataclass(frozen=True)
class RammeIRunde:
    opfoelgning: Opfoelgning
    ramme: Bevillingsramme


@rules.predicate
def er_okonomi(user):
    return roller.er_okonomi(user)


@rules.predicate
def er_konsulent(user):
    return roller.er_konsulent(user)


@rules.predicate
def runde_er_aaben(user, obj):
    opfoelgning = obj.opfoelgning if isinstance(obj, RammeIRunde) else obj
    return opfoelgning is not None and not opfoelgning.er_laast


@rules.predicate
def runde_er_laast(user, obj):
    return obj is not None and obj.er_laast


@rules.predicate
def er_ansvarlig_for_rammen(user, obj: RammeIRunde):
    return Rammeansvar.objects.filter(bruger=user, ramme=obj.ramme).exists()


kan_se_runde = er_okonomi | er_konsulent | runde_er_laast
kan_redigere_ramme = runde_er_aaben & (er_okonomi | (er_konsulent & er_ansvarlig_for_rammen))

rules.add_perm("budgetopfolgning.se_opfoelgning", kan_se_runde)
rules.add_perm("budgetopfolgning.rediger_ramme", kan_redigere_ramme)
rules.add_perm("budgetopfolgning.laas_opfoelgning", er_okonomi & runde_er_aaben)
rules.add_perm("budgetopfolgning.aabn_opfoelgning", er_okonomi)
