"""Charts as SVG, drawn on the server with matplotlib: the same bytes on the page (`<img>`) and in the PDF.

The functions take plain figures and return SVG bytes, so any page or PDF can use them. Output is
deterministic: a fixed hash salt for the element ids, no date in the metadata, glyphs drawn as paths (the chart
looks the same wherever it is shown, and WeasyPrint needs no fonts for it). Figures are converted from Decimal to
float here, at the drawing boundary, and nowhere else.
"""

import base64
import io
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402 - the backend must be chosen first
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from kerne.beloeb import MIO, dansk_tal  # noqa: E402

# Process-wide, set once at import: rc_context would change global state per request and is not thread-safe.
matplotlib.rcParams.update(
    {
        "svg.hashsalt": "budgetopfolgning-rammer",
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

TEKST = "#1b1b1b"
ACCENT = "#00517a"  # the app's accent: 8.3:1 against white
DAEMPET = "#4a4a4a"
KORT_MAANED = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _svg(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buffer.getvalue()


def data_uri(svg: bytes) -> str:
    """The SVG as a data: URI, for the PDF, where the chart is embedded rather than fetched over HTTP."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _mio(value: Decimal) -> float:
    return float(Decimal(value) / MIO)


def maanedsgraf(punkter: list[tuple[int, Decimal, Decimal]], *, aar: int) -> bytes:
    """Forventet forbrug at the end of each month so far, as a solid line with dots, against the budget.

    `punkter` is (month 1–12, forventet forbrug, budget) in kroner. The budget is drawn dashed as a step from month
    to month (it holds until the next snapshot changes it), across the whole year; the two lines differ in
    pattern and marker as well as colour, and both are named in the legend.
    """
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.add_subplot()
    if punkter:
        maaneder = [p[0] for p in punkter]
        forventet = [_mio(p[1]) for p in punkter]
        budget_pr_maaned = {}
        gaeldende = punkter[0][2]
        for maaned in range(1, 13):
            for p in punkter:
                if p[0] == maaned:
                    gaeldende = p[2]
            budget_pr_maaned[maaned] = _mio(gaeldende)
        ax.plot(
            list(budget_pr_maaned), list(budget_pr_maaned.values()), drawstyle="steps-mid", linestyle="--",
            linewidth=1.8, color=TEKST, label="Korrigeret budget",
        )
        ax.plot(
            maaneder, forventet, linestyle="-", linewidth=2.2, marker="o", markersize=7, color=ACCENT,
            label="Forventet forbrug (ultimo måned)",
        )
        for m, v in zip(maaneder, forventet, strict=True):
            ax.annotate(dansk_tal(Decimal(str(v)), 1), (m, v), textcoords="offset points", xytext=(0, 9),
                        ha="center", color=ACCENT, fontsize=9)
        alle = forventet + list(budget_pr_maaned.values())
        spaend = max(alle) - min(alle)
        luft = max(spaend * 0.6, max(abs(v) for v in alle) * 0.02, 1)
        ax.set_ylim(min(alle) - luft, max(alle) + luft)
        # Below the plot, so it never covers a point.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False, fontsize=9)
    else:
        ax.text(6.5, 0.5, "Ingen månedsstatus endnu", ha="center", va="center", color=DAEMPET)
        ax.set_yticks([])
    ax.set_xlim(0.5, 12.5)
    ax.set_xticks(range(1, 13), KORT_MAANED)
    ax.set_ylabel("mio. kr.")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: dansk_tal(Decimal(str(v)), 1)))
    ax.grid(axis="y", color="#c4c4c4", linewidth=0.6)
    ax.set_title(f"Forventet forbrug og budget {aar}, mio. kr.", loc="left", fontsize=11, color=TEKST)
    ax.tick_params(colors=TEKST)
    return _svg(fig)


def soejlegraf(data: list[tuple[str, int, bool]], *, titel: str, enhed: str = "antal") -> bytes:
    """A bar per label with its count written on top; a partial period (third item True) is hatched and its label
    says how far it goes, so the difference does not rest on colour."""
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.add_subplot()
    etiketter = [d[0] for d in data]
    vaerdier = [d[1] for d in data]
    soejler = ax.bar(range(len(data)), vaerdier, color=ACCENT, edgecolor=ACCENT, width=0.6)
    for soejle, (_, antal, delvis) in zip(soejler, data, strict=True):
        if delvis:
            soejle.set_facecolor("white")
            soejle.set_hatch("///")
            soejle.set_linewidth(1.5)
        ax.annotate(dansk_tal(Decimal(antal)), (soejle.get_x() + soejle.get_width() / 2, soejle.get_height()),
                    textcoords="offset points", xytext=(0, 4), ha="center", color=TEKST, fontsize=10)
    ax.set_xticks(range(len(data)), etiketter)
    ax.set_ylabel(enhed)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: dansk_tal(Decimal(str(v)))))
    if vaerdier:
        ax.set_ylim(0, max(vaerdier) * 1.15)
    ax.grid(axis="y", color="#c4c4c4", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(titel, loc="left", fontsize=11, color=TEKST)
    ax.tick_params(colors=TEKST)
    return _svg(fig)
