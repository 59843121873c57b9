"""Downloads: how a view names the file it answers with."""

from django.utils.http import content_disposition_header


def content_disposition(filnavn: str, *, vedhaeft: bool) -> str:
    """The Content-Disposition header for a file the browser shows (or saves, with `vedhaeft`) as `filnavn`.

    Django gives no header for an empty name; every download here has one, so that is a programming error.
    """
    header = content_disposition_header(vedhaeft, filnavn)
    if header is None:
        raise ValueError("A download needs a file name.")
    return header
