"""The one signal of the forbrug app: its figures changed in bulk (an import), which no post_save tells.

Sent with `aar` (the year, as a number) by the kontoplan and forbrug imports, in their transaction. The round pages'
cache (`budgetopfolgning.mellemlager`) listens, as forbrug shows on the rounds of that year and, through the
periodisering's earlier years, on those of the three years after it; it listens to single saves in the admin
(Konto, periodisering) with post_save itself.
"""

from django.dispatch import Signal

forbrug_aendret = Signal()
