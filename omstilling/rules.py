"""Who may do what with omstillingsforslag, as `rules` predicates (loaded by rules' autodiscovery).

Everyone logged in reads catalogues and proposals. Center for Økonomi and økonomikonsulenter create and edit
proposals. A proposal's follow-up in a round is edited by the same two roles, and only while the round is open.
Views check these with `rules.has_perm`, not `user.has_perm`: Django's user check lets a superuser through
everything, and a locked round must stay locked for everyone.
"""

import rules

from budgetopfolgning.rules import opfoelgning_er_aaben
from kerne.roller import er_konsulent, er_okonomi

kan_redigere_forslag = er_okonomi | er_konsulent

# The names are our own, not Django's model permissions (`add_forslag`, `change_forslag`): rules' backend answers
# `user.has_perm` too, and a rule named like a model permission would open the model's admin to these roles.
rules.add_perm("omstilling.opret_forslag", kan_redigere_forslag)
rules.add_perm("omstilling.rediger_forslag", kan_redigere_forslag)
rules.add_perm("omstilling.rediger_forslagsopfoelgning", kan_redigere_forslag & opfoelgning_er_aaben)
