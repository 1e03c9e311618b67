"""Geometry for small server-rendered SVG line charts over dates.

`line_chart()` turns series of `(date, value)` points into numbers and short
strings that `cop_site/includes/line_chart.html` places in an SVG: no markup is
built here, so everything the template prints is autoescaped. The template
needs `cop_site/charts.css` on the page.

Coordinates are in the SVG's own units (the viewBox), rounded to one decimal
place. Text widths are estimated from character counts (0.6 em a character),
which is generous for the NHS.UK frontend's font.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import dateformat, formats

STYLES: dict[str, str] = {
    "primary": "nc-chart__line--primary",
    "secondary": "nc-chart__line--secondary",
    "tertiary": "nc-chart__line--tertiary",
}
"""Series styles and their CSS classes: each has its own colour and dash pattern."""

SYMBOLS: dict[str, str] = {
    "primary": "M-5 0a5 5 0 1 0 10 0a5 5 0 1 0-10 0Z",
    "secondary": "M-4.5-4.5h9v9h-9Z",
    "tertiary": "M0-6.5l6.5 6.5-6.5 6.5-6.5-6.5Z",
}
"""SVG path data around (0, 0) for the symbol at each series' latest point: circle,
square, diamond, so that a single point is told apart without colour as well."""

MAX_X_LABELS = 8
MAX_Y_INTERVALS = 5
MAX_MARKER_ROWS = 3
MONTH_TICKS_AFTER_DAYS = 60
WEEK_TICKS_FROM_DAYS = 14
CHAR_WIDTH_EM = 0.6
MAX_VALUE = 1e15

_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_NICE_MANTISSAS = (1, 2, 5)
_MONTH_STEPS = (1, 2, 3, 4, 6)


@dataclass(frozen=True)
class Series:
    """One line: points in any order; of several on one date, the last given wins."""

    label: str
    points: Sequence[tuple[datetime.date, float]]
    style: str = "primary"

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"Unknown series style {self.style!r}; use one of {list(STYLES)}.")


@dataclass(frozen=True)
class Marker:
    """A vertical line at a date, such as "Version 2 endorsed"."""

    date: datetime.date
    label: str


@dataclass(frozen=True)
class PlotArea:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return round(self.right - self.left, 1)

    @property
    def height(self) -> float:
        return round(self.bottom - self.top, 1)


@dataclass(frozen=True)
class YTick:
    value: float
    y: float
    label: str


@dataclass(frozen=True)
class XTick:
    date: datetime.date
    x: float
    label: str


@dataclass(frozen=True)
class PlottedSeries:
    label: str
    style: str
    css_class: str
    symbol: str
    coordinates: tuple[tuple[float, float], ...]
    latest_value: float | None
    """The last value drawn (with `step`, the one in force at the end); None if none is."""
    latest_label: str
    latest_date: datetime.date | None

    @property
    def points(self) -> str:
        """The polyline's `points` attribute: "x,y x,y …"."""
        return " ".join(f"{_number(x)},{_number(y)}" for x, y in self.coordinates)

    @property
    def is_line(self) -> bool:
        """False when there is only a point to show (or nothing): draw no polyline then."""
        return len(self.coordinates) > 1

    @property
    def latest_point(self) -> tuple[float, float] | None:
        """Where to draw the series' symbol."""
        return self.coordinates[-1] if self.coordinates else None


@dataclass(frozen=True)
class PlottedMarker:
    date: datetime.date
    label: str
    date_label: str
    x: float
    line_top: float
    label_x: float
    label_y: float
    anchor: str
    """SVG text-anchor of the label: "start" (right of the line) or "end" (left of it)."""


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    font_size: int
    plot: PlotArea
    series: tuple[PlottedSeries, ...]
    x_ticks: tuple[XTick, ...]
    y_ticks: tuple[YTick, ...]
    markers: tuple[PlottedMarker, ...]
    y_label: str
    y_label_y: float
    start: datetime.date | None
    end: datetime.date | None
    step: bool

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def has_data(self) -> bool:
        return any(series.coordinates for series in self.series)

    @property
    def x_tick_mark_end(self) -> float:
        return round(self.plot.bottom + 6, 1)

    @property
    def x_tick_label_y(self) -> float:
        return round(self.plot.bottom + 8 + self.font_size, 1)

    @property
    def y_tick_label_x(self) -> float:
        return round(self.plot.left - 8, 1)

    @property
    def middle(self) -> tuple[float, float]:
        """Centre of the plot area, for a "no data" note."""
        return (
            round((self.plot.left + self.plot.right) / 2, 1),
            round((self.plot.top + self.plot.bottom) / 2, 1),
        )


def line_chart(
    series: Iterable[Series],
    *,
    chart_id: str,
    title: str,
    description: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    markers: Iterable[Marker] = (),
    width: int = 640,
    height: int = 300,
    y_label: str = "",
    step: bool = False,
    integer_ticks: bool = True,
    font_size: int = 16,
) -> LineChart:
    """Lay out a line chart of `series` from `start` to `end` (both inclusive).

    The range defaults to the earliest and latest dates among the points and
    markers. Points outside it are clipped: a straight line is cut where it
    crosses the edge; with `step=True` (step-after, right for cumulative counts)
    each value holds until the next point, and the last one until `end`.
    The y axis always includes nought. `integer_ticks` keeps y ticks on whole
    numbers (counts); turn it off for measures such as averages. Values beyond
    ±10¹⁵ are refused: a float no longer counts in ones there. Datetimes
    count as their date. Raises ValueError for a non-finite value, `start`
    after `end`, an unusable `chart_id` or a size too small to draw in.
    """
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id {chart_id!r} must be a letter then letters, digits, - or _.")
    all_series = [(item, _clean_points(item.points)) for item in series]
    all_markers = sorted(markers, key=lambda marker: _as_date(marker.date))
    date_range = _date_range(all_series, all_markers, start, end)

    visible = [
        (item, _clip(points, *date_range, step=step) if date_range else [])
        for item, points in all_series
    ]
    values = [value for _, points in visible for _, value in points]
    y_values, decimals = _nice_ticks(
        min([0.0, *values]), max([0.0, *values]), integer=integer_ticks
    )
    y_labels = [_format_number(value, decimals if value else 0) for value in y_values]

    long_range = date_range is not None and _days(*date_range) > MONTH_TICKS_AFTER_DAYS
    x_label_width = _text_width(8 if long_range else 6, font_size)
    left = max(_text_width(max(map(len, y_labels)), font_size) + 12, x_label_width / 2 + 2)
    left = _r(min(left, width / 3))
    right = _r(width - (x_label_width / 2 + 4))
    x_scale = _XScale(date_range, left, right)

    row_height = font_size * 1.4
    y_label_rows = 1 if y_label else 0
    marker_layout = _layout_marker_labels(all_markers, x_scale, width, font_size)
    marker_rows = max((row + 1 for *_, row in marker_layout), default=0)
    top = _r((y_label_rows + marker_rows) * row_height + font_size * 0.75)
    bottom = _r(height - (font_size * 1.4 + 10))
    if right - left < font_size * 4 or bottom - top < font_size * 2:
        raise ValueError(f"A {width}×{height} chart is too small for its labels.")
    plot = PlotArea(left, top, right, bottom)
    y_low, y_high = y_values[0], y_values[-1]

    def y_of(value: float) -> float:
        return _r(bottom - (value - y_low) / (y_high - y_low) * (bottom - top))

    plotted: list[PlottedSeries] = []
    for item, points in visible:
        drawn = _steps(points) if step else points
        latest = points[-1] if points else None
        plotted.append(
            PlottedSeries(
                label=item.label,
                style=item.style,
                css_class=STYLES[item.style],
                coordinates=tuple(_dedupe([(x_scale.x(day), y_of(value)) for day, value in drawn])),
                symbol=SYMBOLS[item.style],
                latest_value=latest[1] if latest else None,
                latest_label=_format_number(latest[1]) if latest else "",
                latest_date=latest[0] if latest else None,
            )
        )

    x_ticks: list[XTick] = []
    if date_range is not None:
        max_labels = max(2, min(MAX_X_LABELS, int((right - left) // (x_label_width + 12))))
        x_ticks = [
            XTick(day, x_scale.x(day), label)
            for day, label in _date_ticks(*date_range, max_labels=max_labels)
        ]

    plotted_markers: list[PlottedMarker] = []
    for marker, anchor, row in marker_layout:
        day = _as_date(marker.date)
        x = x_scale.x(day)
        row_top = (y_label_rows + row) * row_height
        plotted_markers.append(
            PlottedMarker(
                date=day,
                label=marker.label,
                date_label=dateformat.format(day, "j M Y"),
                x=x,
                line_top=_r(row_top + row_height + 2),
                label_x=_r(x + 4 if anchor == "start" else x - 4),
                label_y=_r(row_top + font_size),
                anchor=anchor,
            )
        )

    return LineChart(
        id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        font_size=font_size,
        plot=plot,
        series=tuple(plotted),
        x_ticks=tuple(x_ticks),
        y_ticks=tuple(
            YTick(value, y_of(value), label)
            for value, label in zip(y_values, y_labels, strict=True)
        ),
        markers=tuple(plotted_markers),
        y_label=y_label,
        y_label_y=_r(font_size),
        start=date_range[0] if date_range else None,
        end=date_range[1] if date_range else None,
        step=step,
    )


@dataclass(frozen=True)
class _XScale:
    """Dates to x: `start` at `left`, `end` at `right`; a one-day range in the middle."""

    date_range: tuple[datetime.date, datetime.date] | None
    left: float
    right: float

    def x(self, day: datetime.date) -> float:
        if self.date_range is None or self.date_range[0] == self.date_range[1]:
            return _r((self.left + self.right) / 2)
        start, end = self.date_range
        return _r(self.left + _days(start, day) / _days(start, end) * (self.right - self.left))

    def includes(self, day: datetime.date) -> bool:
        return self.date_range is not None and self.date_range[0] <= day <= self.date_range[1]


def _date_range(
    all_series: list[tuple[Series, list[tuple[datetime.date, float]]]],
    markers: list[Marker],
    start: datetime.date | None,
    end: datetime.date | None,
) -> tuple[datetime.date, datetime.date] | None:
    """The dates the chart covers: as given, else as far as the points and markers go."""
    known = [day for _, points in all_series for day, _ in points]
    known += [_as_date(marker.date) for marker in markers]
    first = _as_date(start) if start is not None else None
    last = _as_date(end) if end is not None else None
    if first is None:
        first = min([*known, *([last] if last is not None else [])], default=None)
    if first is None:
        return None
    if last is None:
        last = max([*known, first])
    if first > last:
        raise ValueError(f"start {first} is after end {last}.")
    return first, last


def _days(first: datetime.date, second: datetime.date) -> int:
    return (second - first).days


def _as_date(day: datetime.date) -> datetime.date:
    return day.date() if isinstance(day, datetime.datetime) else day


def _clean_points(
    points: Iterable[tuple[datetime.date, float]],
) -> list[tuple[datetime.date, float]]:
    """Sorted by date, one point a date (the last given), values as finite floats."""
    by_date: dict[datetime.date, float] = {}
    for day, value in points:
        try:
            number = float(value) + 0.0  # + 0.0 turns -0.0 into 0.0
        except OverflowError:
            number = math.inf
        if not abs(number) <= MAX_VALUE:
            raise ValueError(f"The value for {day} is not a number within ±10¹⁵: {value!r}.")
        by_date[_as_date(day)] = number
    return sorted(by_date.items())


def _clip(
    points: list[tuple[datetime.date, float]],
    start: datetime.date,
    end: datetime.date,
    *,
    step: bool,
) -> list[tuple[datetime.date, float]]:
    """The points to draw between `start` and `end`, with the line's values at the edges."""
    before = [point for point in points if point[0] < start]
    inside = [point for point in points if start <= point[0] <= end]
    after = [point for point in points if point[0] > end]
    if step:
        if before and (not inside or inside[0][0] > start):
            inside.insert(0, (start, before[-1][1]))
        if inside and inside[-1][0] < end:
            inside.append((end, inside[-1][1]))
        return inside
    if before and (inside or after):
        following = inside[0] if inside else after[0]
        if following[0] > start:
            inside.insert(0, (start, _interpolate(before[-1], following, start)))
    if after and inside and inside[-1][0] < end:
        inside.append((end, _interpolate(inside[-1], after[0], end)))
    return inside


def _steps(points: list[tuple[datetime.date, float]]) -> list[tuple[datetime.date, float]]:
    """Step-after: each value holds until the next point's date, then the line rises or falls."""
    stepped = points[:1]
    for (_, previous), (day, value) in zip(points, points[1:], strict=False):
        stepped += [(day, previous), (day, value)]
    return stepped


def _interpolate(
    first: tuple[datetime.date, float], second: tuple[datetime.date, float], day: datetime.date
) -> float:
    fraction = (day - first[0]).days / (second[0] - first[0]).days
    return first[1] + fraction * (second[1] - first[1])


def _dedupe(coordinates: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated points, and middle points of straight horizontal or vertical runs."""
    kept: list[tuple[float, float]] = []
    for x, y in coordinates:
        if kept and kept[-1] == (x, y):
            continue
        if len(kept) >= 2:
            (x1, y1), (x2, y2) = kept[-2], kept[-1]
            horizontal = y1 == y2 == y
            vertical = x1 == x2 == x and min(y1, y) <= y2 <= max(y1, y)
            if horizontal or vertical:
                kept[-1] = (x, y)
                continue
        kept.append((x, y))
    return kept


def _nice_ticks(low: float, high: float, *, integer: bool) -> tuple[list[float], int]:
    """Round tick values from at or below `low` to at or above `high`, 5 intervals at most,
    and the decimal places they need.

    The step is the smallest of 1, 2 or 5 times a power of ten that needs no more
    than five intervals, which always leaves at least three (unless whole numbers
    are wanted and the range is under three). An empty range becomes 0 to 1.
    """
    if high <= low:
        high = low + 1
    exponent = math.floor(math.log10((high - low) / MAX_Y_INTERVALS))
    if integer:
        exponent = max(exponent, 0)
    while True:
        for mantissa in _NICE_MANTISSAS:
            step = mantissa * 10.0**exponent
            first = math.floor(low / step * (1 + 1e-12) + 1e-9)
            last = math.ceil(high / step * (1 - 1e-12) - 1e-9)
            if last - first <= MAX_Y_INTERVALS:
                decimals = max(0, -exponent)
                return [round(n * step, decimals) for n in range(first, last + 1)], decimals
        exponent += 1


def _format_number(value: float, decimals: int | None = None) -> str:
    """Grouped in thousands as the active locale does it, with `decimals` places, or as many
    as needed up to two."""
    if decimals is None:
        decimals = len(f"{value:.2f}".rstrip("0").partition(".")[2])
    return formats.number_format(
        round(value, decimals) + 0.0, decimals, use_l10n=True, force_grouping=True
    )


def _date_ticks(
    start: datetime.date, end: datetime.date, *, max_labels: int
) -> list[tuple[datetime.date, str]]:
    """Month starts over long ranges, Mondays over a few weeks, days otherwise."""
    days = (end - start).days
    if days > MONTH_TICKS_AFTER_DAYS:
        first = start.year * 12 + start.month - 1 + (start.day > 1)
        last = end.year * 12 + end.month - 1
        for months in _month_steps():
            chosen = [n for n in range(first, last + 1) if n % months == 0]
            if len(chosen) <= max_labels:
                return [
                    (day, dateformat.format(day, "M Y"))
                    for day in (datetime.date(n // 12, n % 12 + 1, 1) for n in chosen)
                ]
    if days >= WEEK_TICKS_FROM_DAYS:
        monday = start + datetime.timedelta(days=-start.weekday() % 7)
        candidates = [
            monday + datetime.timedelta(weeks=n) for n in range((end - monday).days // 7 + 1)
        ]
    else:
        candidates = [start + datetime.timedelta(days=n) for n in range(days + 1)]
    every = math.ceil(len(candidates) / max_labels)
    return [(day, dateformat.format(day, "j M")) for day in candidates[::every]]


def _month_steps() -> Iterable[int]:
    yield from _MONTH_STEPS
    years = 1
    while True:
        for mantissa in _NICE_MANTISSAS:
            yield 12 * mantissa * years
        years *= 10


def _layout_marker_labels(
    markers: list[Marker], x_scale: _XScale, width: int, font_size: int
) -> list[tuple[Marker, str, int]]:
    """Each marker in range with its label's anchor and its row above the plot.

    A label sits right of its line if it fits, else left of it. It takes the first
    of three rows where it overlaps no other label and crosses no line coming down
    from a row above, and where its own line would cross no label below it.
    """
    placed: list[tuple[int, float, float, float]] = []  # row, label from, label to, line x
    laid_out: list[tuple[Marker, str, int]] = []
    for marker in markers:
        if not x_scale.includes(_as_date(marker.date)):
            continue
        x = x_scale.x(_as_date(marker.date))
        label_width = _text_width(len(marker.label), font_size)
        # A label too long for either side runs off the right edge: keep marker labels short.
        if x + 4 + label_width <= width or x - 4 - label_width < 0:
            anchor, low, high = "start", x, x + 4 + label_width
        else:
            anchor, low, high = "end", x - 4 - label_width, x

        def fits(row: int, low: float = low, high: float = high, x: float = x) -> bool:
            for other_row, other_low, other_high, other_x in placed:
                if other_row == row and low < other_high + 8 and other_low - 8 < high:
                    return False
                if other_row < row and low - 4 < other_x < high + 4:
                    return False
                if other_row > row and other_low - 4 < x < other_high + 4:
                    return False
            return True

        row = next((row for row in range(MAX_MARKER_ROWS) if fits(row)), None)
        if row is None:
            row = min(
                range(MAX_MARKER_ROWS),
                key=lambda row: sum(1 for placed_row, *_ in placed if placed_row == row),
            )
        placed.append((row, low, high, x))
        laid_out.append((marker, anchor, row))
    return laid_out


def _text_width(characters: int, font_size: float) -> float:
    return characters * font_size * CHAR_WIDTH_EM


def _r(value: float) -> float:
    return round(value, 1)


def _number(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text
