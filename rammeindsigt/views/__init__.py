"""A ramme in depth, one module per page: `ramme` (overview and the ramme), `regnskab`, `ledelsesinformation`
(with charts and PDF), `budgetmodel`. `opslag` holds the permission-checking lookups they share.

Everyone logged in reads; Center for Økonomi and the ramme's own økonomikonsulenter edit (`rammer.rules`).
"""
