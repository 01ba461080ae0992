"""The review pack's charts, drawn with matplotlib into the document model's `Figure` block.

Each chart is drawn once, as SVG (placed inline in HTML and PDF) and as PNG
(for Word). The drawing is made to be read by everyone and to come out the
same every time:

- readable in greyscale and by colour-blind readers: the Okabe-Ito palette,
  and every series also told apart by its marker and line style, with the
  target dashed, the trajectory dotted and the due date dash-dotted;
- labelled with units, and with the values written beside the points;
- text kept as text in the SVG, so the PDF's chart labels can be selected,
  searched and read aloud (and WeasyPrint lays out a page of them in a
  fraction of the time outlines take);
- deterministic: laid out with fixed margins and matplotlib's bundled DejaVu
  Sans, a fixed hash salt for the SVG's ids, no date or software version in
  either file; the ids are then prefixed per chart, so several SVGs can share
  one page.

matplotlib is imported here only, inside the functions, so no command but the
review commands pays its import.
"""

from __future__ import annotations

import io
import re
import textwrap
from contextlib import AbstractContextManager
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ..document import Figure, Text
from ..targets import format_value
from .agreement import label, shorten
from .assess import KpiTrack, ResourceState
from .history import History
from .model import FEEDBACK_ITEMS

# Okabe and Ito's palette, distinct for the common kinds of colour blindness; markers and line
# styles repeat the distinction for a greyscale print.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)), (0, (3, 3)))
INK, GREY = "#1a1a1a", "#6b6b6b"
WIDTH_CM = 16.0
DPI = 200
_CM = 1 / 2.54
_SETTINGS: dict[Any, Any] = {
    "svg.hashsalt": "agreementkit",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
    # Labels are answers: "$" is a currency sign, never the start of mathematics.
    "text.parse_math": False,
}


def _context() -> AbstractContextManager[Any]:
    import matplotlib

    return matplotlib.rc_context(_SETTINGS)


def _new(height_cm: float, columns: int = 1, **margins: float) -> tuple[Any, Any]:
    """A figure the page's width, with fixed margins (in fractions of the figure): laid out once, the
    same every time, and far quicker than matplotlib's automatic layout."""
    from matplotlib.figure import Figure as Canvas

    figure = Canvas(figsize=(WIDTH_CM * _CM, height_cm * _CM))
    figure.subplots_adjust(**margins)
    axes = figure.subplots(1, columns, sharey=columns > 1, squeeze=False)[0]
    return figure, axes


def _clean_svg(svg: str, key: str) -> str:
    """matplotlib's SVG as markup to place inline: no XML prolog, metadata or comments, and every id prefixed with the chart's key so charts sharing an HTML
    page cannot take each other's clip paths or glyphs."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", svg)
    # Its stylesheet's `*` would reach the whole page: keep it to this chart.
    svg = svg.replace("<svg ", f'<svg id="{key}" ', 1).replace("*{", f"#{key} *{{")
    return svg.strip() + "\n"


def _finish(figure: Any, key: str, caption: str, description: str) -> Figure:
    svg, png = io.BytesIO(), io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": "agreementkit"})
    figure.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    return Figure(_clean_svg(svg.getvalue().decode("utf-8"), key), png.getvalue(), (Text(caption),), description, WIDTH_CM)


def _dates(axes: Any) -> None:
    import matplotlib.dates as mdates

    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=6))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))


def _legend(text: str) -> str:
    """A name for a legend: matplotlib leaves out entries whose label starts with "_", so such a name
    starts with an invisible space instead."""
    return "\u200b" + text if text.startswith("_") else text


def _upfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(value: Decimal) -> float:
    return float(value)


def kpi_chart(track: KpiTrack, key: str) -> Figure | None:
    """One objective over the reviews so far: the figures, the straight trajectory from the baseline
    to the target, the target and the due date. None when no review has a figure for it."""
    points = [p for p in track.points if p.actual is not None]
    if not points:
        return None
    measure, due = track.measure, track.objective.due
    unit = measure.unit if measure else ""
    kpi = track.objective.kpi or track.objective.title
    with _context():
        figure, (axes,) = _new(6.4, left=0.09, right=0.68, top=0.9, bottom=0.12)
        xs = [p.held for p in points]
        ys = [_number(p.actual) for p in points if p.actual is not None]
        if measure is not None and due is not None:
            axes.plot([track.start, due], [_number(track.baseline), _number(measure.value)], linestyle=":", linewidth=1.2,
                      color=GREY, label="trajectory (baseline to target)")
            axes.plot([track.start], [_number(track.baseline)], marker="o", markerfacecolor="white", color=GREY,
                      linestyle="none", label=f"baseline {format_value(track.baseline, unit)}"
                      + ("" if track.baseline_given else " (assumed)"))
        if measure is not None:
            axes.axhline(_number(measure.value), linestyle="--", linewidth=1.0, color=INK, label=f"target {measure.describe()}")
        if due is not None:
            axes.axvline(due, linestyle="-.", linewidth=1.0, color=COLOURS[1], label=f"due {due.day} {due:%b %Y}")
        axes.plot(xs, ys, marker="s", markersize=5, linewidth=1.8, color=COLOURS[0], label="actual at each review")
        short = unit if unit == "%" else ""  # the axis names any other unit
        for index, point in enumerate(points):
            assert point.actual is not None
            # Beside the point on the side the line does not take: below a rise to the next figure, above a fall.
            after = ys[index + 1] - ys[index] if index + 1 < len(ys) else (ys[index] - ys[index - 1] if index else 0)
            above = after <= 0 if index + 1 < len(ys) else after >= 0
            axes.annotate(f"R{point.review}: {format_value(point.actual, short)}", (point.held, _number(point.actual)),
                          textcoords="offset points", xytext=(6, 5 if above else -11), fontsize=6.5, color=INK)
        last = max([*xs, due or xs[-1]])
        axes.set_xlim(track.start - timedelta(days=10), last + timedelta(days=25))
        _dates(axes)
        axes.set_title(textwrap.shorten(kpi, 90, placeholder="…"), loc="left", fontsize=7.5, color=INK)
        axes.set_ylabel(unit or "value")
        axes.grid(axis="y", color="#dddddd", linewidth=0.5)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6.5)
        status = track.latest.status
        caption = (f"Figure {key.rsplit('-', 1)[-1]}: objective {track.number}, {track.objective.title}: "
                   f"{kpi.lower() if kpi[:1].isupper() and not kpi[1:2].isupper() else kpi} at each review"
                   + (f", against the target of {measure.describe()}" if measure else " (its target cannot be read as a number)")
                   + (f" due on {due.day} {due:%B %Y}" if due else "") + f"; latest status: {status}.")
        description = (f"Line chart of {kpi} ({unit or 'no unit'}) at reviews "
                       + ", ".join(f"{p.review} ({format_value(p.actual, unit)})" for p in points if p.actual is not None)
                       + (f"; target {measure.describe()}" if measure else "") + (f", due {due.isoformat()}" if due else "") + ".")
        return _finish(figure, key, caption, description)


def resources_chart(states: list[ResourceState], history: History, key: str) -> Figure | None:
    """Every resource's delivered share beside the share of its period gone, as horizontal bars."""
    if not states:
        return None
    answers = history.answers
    with _context():
        names = [_upfirst(f"{label(answers, s.commitment.party)} {s.commitment.number}: "
                          f"{shorten(s.commitment.resource.description, 60)}") for s in states]
        wrapped = ["\n".join(textwrap.wrap(name, 34)) for name in names]
        widest = max(len(line) for name in wrapped for line in name.split("\n"))
        height = 2.4 + 0.8 * len(states)
        # The labels' room: about 0.15 cm a character at this size.
        figure, (axes,) = _new(height, left=min(0.5, (0.15 * widest + 0.5) / WIDTH_CM), right=0.97,
                               top=1 - 1.0 / height, bottom=1.1 / height)
        rows = list(range(len(states)))[::-1]
        delivered = [_number(s.delivered) if s.delivered is not None else 0.0 for s in states]
        axes.barh(rows, delivered, height=0.55, color=COLOURS[0], edgecolor=INK, linewidth=0.5, hatch="///",
                  label="delivered, % of the commitment")
        axes.plot([_number(s.elapsed) for s in states], rows, linestyle="none", marker="|", markersize=16,
                  markeredgewidth=2.2, color=COLOURS[1], label="share of its period gone, %")
        for row, state in zip(rows, states):
            text = "no figure" if state.delivered is None else f"{state.delivered:.0f}%"
            axes.annotate(text, (_number(state.delivered or Decimal(0)), row), textcoords="offset points", xytext=(4, -3),
                          fontsize=6.5, color=INK)
        axes.set_yticks(rows, wrapped)
        axes.set_xlim(0, 105)
        axes.set_xlabel("% delivered (bars); % of its period gone (marks)")
        axes.grid(axis="x", color="#dddddd", linewidth=0.5)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=6.5)
        latest = history.latest
        caption = (f"Figure {key.rsplit('-', 1)[-1]}: resources delivered against committed at review {latest.number} "
                   f"({latest.review.held.day} {latest.review.held:%B %Y}), each beside the share of its period gone.")
        description = "Bar chart of resources delivered: " + "; ".join(
            f"{n}: {'no figure' if s.delivered is None else f'{s.delivered:.0f}%'} delivered, {s.elapsed:.0f}% of its period gone"
            for n, s in zip(names, states)) + "."
        return _finish(figure, key, caption, description)


def feedback_chart(history: History, key: str) -> Figure | None:
    """Each feedback item over the reviews, one line per party."""
    answers = history.answers
    series: dict[str, dict[str, list[tuple[int, int]]]] = {item: {} for item in FEEDBACK_ITEMS}
    for held in history.reviews:
        for feedback in held.review.feedback:
            for item, score in feedback.scores.given().items():
                series[item].setdefault(feedback.party, []).append((held.number, score))
    if not any(series.values()):
        return None
    parties = [p.key for p in answers.parties]
    numbers = [h.number for h in history.reviews]
    # Equal scores would hide each other: each party's points sit a little to the side of the review's.
    offset = {party: (index - (len(parties) - 1) / 2) * 0.09 for index, party in enumerate(parties)}
    with _context():
        figure, axes_row = _new(5.6, len(FEEDBACK_ITEMS), left=0.08, right=0.99, top=0.9, bottom=0.27, wspace=0.12)
        for axes, item in zip(axes_row, FEEDBACK_ITEMS):
            for index, party in enumerate(parties):
                points = series[item].get(party)
                if not points:
                    continue
                axes.plot([n + offset[party] for n, _ in points], [s for _, s in points], color=COLOURS[index % len(COLOURS)],
                          marker=MARKERS[index % len(MARKERS)], linestyle=LINES[index % len(LINES)], markersize=4.5,
                          linewidth=1.3, label=_legend(label(answers, party)))
            axes.set_title(item, fontsize=7.5)
            axes.set_xticks(numbers, [f"R{n}" for n in numbers])
            axes.set_xlim(min(numbers) - 0.4, max(numbers) + 0.4)
            axes.set_ylim(0.6, 5.4)
            axes.set_yticks([1, 2, 3, 4, 5])
            axes.grid(axis="y", color="#dddddd", linewidth=0.5)
        axes_row[0].set_ylabel("score: 1 poor, 5 strong")
        handles, names = axes_row[0].get_legend_handles_labels()
        seen = dict(zip(names, handles))
        for axes in axes_row[1:]:
            for handle, name in zip(*axes.get_legend_handles_labels()):
                seen.setdefault(name, handle)
        figure.legend(list(seen.values()), list(seen), loc="lower center", ncol=len(seen), fontsize=6.5)
        caption = (f"Figure {key.rsplit('-', 1)[-1]}: each party's feedback, item by item, at reviews "
                   f"{', '.join(map(str, numbers))} (1 poor, 5 strong).")
        description = "Line charts of feedback scores: " + "; ".join(
            f"{item}: " + ", ".join(f"{label(answers, p)} " + "/".join(str(s) for _, s in pts) for p, pts in series[item].items())
            for item in FEEDBACK_ITEMS if series[item]) + "."
        return _finish(figure, key, caption, description)


def figure_key(number: int) -> str:
    """The id prefix of the n-th chart in a pack (also its figure number)."""
    return f"chart-{number}"


__all__ = ["kpi_chart", "resources_chart", "feedback_chart", "figure_key"]
