"""The kommune's logo: an uploaded PNG or SVG is checked before it is stored.

It is only ever shown as `<img src="data:…">` (pages and the Bilag), where a browser runs no script in an SVG. Still,
an SVG with script, event handlers, embedded HTML or links to other files is refused: the file might be opened on
its own some day, and a logo needs none of them.
"""

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError

MAKS_BYTES = 200 * 1024
PNG_START = b"\x89PNG\r\n\x1a\n"
EKSTERN = "SVG-filen henviser til andre filer eller adresser; et logo skal være selvstændigt."
_FORBUDTE_ELEMENTER = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "set", "animate"}


def _lokalt_navn(navn: str) -> str:
    return navn.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def tjek_logo(data: bytes, filnavn: str) -> str:
    """The logo's media type if the file is a PNG or a harmless SVG of at most 200 KB; else a Danish ValidationError."""
    if len(data) > MAKS_BYTES:
        raise ValidationError(f"Logoet fylder {len(data) // 1024} KB; det må højst fylde {MAKS_BYTES // 1024} KB.")
    navn = filnavn.lower()
    if navn.endswith(".png"):
        if not data.startswith(PNG_START):
            raise ValidationError("Filen hedder .png, men er ikke et PNG-billede.")
        return "image/png"
    if not navn.endswith(".svg"):
        raise ValidationError("Logoet skal være en PNG- eller SVG-fil.")
    try:
        rod = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise ValidationError("SVG-filen kan ikke læses (den er ikke gyldig XML, eller den har en DTD).") from None
    if _lokalt_navn(rod.tag) != "svg":
        raise ValidationError("Filen hedder .svg, men er ikke et SVG-billede.")
    for element in rod.iter():
        if _lokalt_navn(str(element.tag)) in _FORBUDTE_ELEMENTER:
            raise ValidationError("SVG-filen indeholder script eller indlejret indhold; det må et logo ikke.")
        for attribut, vaerdi in element.attrib.items():
            navn_ = _lokalt_navn(attribut)
            if navn_.startswith("on"):
                raise ValidationError("SVG-filen indeholder script (en on…-attribut); det må et logo ikke.")
            if navn_ == "href" and not vaerdi.strip().startswith("#"):
                raise ValidationError(EKSTERN)
            if "javascript:" in vaerdi.lower() or "url(" in vaerdi.lower() and "url(#" not in vaerdi.lower():
                raise ValidationError(EKSTERN)
    return "image/svg+xml"
