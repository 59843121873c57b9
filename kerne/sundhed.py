"""`/sundhed/`: tells a load balancer or monitoring whether this process can serve pages.

It answers without login and says only "ok" or "fejl" per part: no versions, no host names, no error texts, since
anyone who can reach the server can read it.
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Sundhedstjek: databasen svarer ikke", exc_info=True)
        return "fejl"
    return "ok"


def _migreringer() -> str:
    """'ok' when every migration on disk is applied: a process serving an older or newer schema than its code
    would fail on some pages only."""
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        logger.warning("Sundhedstjek: migreringerne kan ikke læses", exc_info=True)
        return "fejl"
    return "fejl" if plan else "ok"


def tjek() -> dict[str, str]:
    """Each part's state; the migrations are only read when the database answers."""
    result = {"database": _database()}
    result["migreringer"] = _migreringer() if result["database"] == "ok" else "fejl"
    return result


@login_not_required
@require_GET
@never_cache
def sundhed(request: HttpRequest) -> JsonResponse:
    result = tjek()
    status = 200 if all(v == "ok" for v in result.values()) else 503
    return JsonResponse(result, status=status, json_dumps_params={"ensure_ascii": False})
