"""Read side of a ramme in depth, one module per page: `ramme`, `regnskab`, `ledelsesinformation`, `budgetmodel`.

Every total is a sum of exact amounts; rounding is left to the templates, as in `budgetopfolgning.selectors`.
"""
