"""Who may import forbrug in the browser: Center for Økonomi, as in the admin."""

import rules

from kerne.roller import er_okonomi

rules.add_perm("forbrug.importer_forbrug", er_okonomi)
