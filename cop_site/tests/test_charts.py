"""The SVG line chart: its geometry, and the markup a reader and a screen reader get."""

from __future__ import annotations

import datetime
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from core.charts import STYLES, LineChart, Marker, Series, line_chart

SVG = "{http://www.w3.org/2000/svg}"
CSS = Path(__file__).resolve().parents[1] / "static" / "cop_site" / "charts.css"
JAN_1 = datetime.date(2026, 1, 1)


def day(n: int) -> datetime.date:
    return JAN_1 + datetime.timedelta(days=n)


def chart(*series: Series, **options) -> LineChart:
    options.setdefault("chart_id", "test-chart")
    options.setdefault("title", "Uptake")
    options.setdefault("description", "Readers and adopters since endorsement.")
    return line_chart(series, **options)


def values(*numbers: float, every: int = 10) -> Series:
    return Series("Readers", [(day(n * every), value) for n, value in enumerate(numbers)])


def inside_plot(result: LineChart, x: float, y: float) -> bool:
    plot = result.plot
    return plot.left <= x <= plot.right and plot.top <= y <= plot.bottom


def render(result: LineChart, **context) -> str:
    return render_to_string("cop_site/includes/line_chart.html", {"chart": result, **context})


def main_svg(html: str) -> ET.Element:
    start = html.index("<svg")
    return ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])


# Geometry

DATASETS = {
    "counts": [values(0, 3, 3, 8, 20, 21)],
    "two series": [values(0, 5, 9), Series("Adopters", [(day(0), 0), (day(15), 2)], "secondary")],
    "floats": [values(0.25, 1.5, 2.75)],
    "negative": [values(-4, 2, 7)],
    "very large": [values(0, 10**9, 10**12)],
    "all zero": [values(0, 0, 0)],
    "single point": [values(7)],
    "unsorted": [Series("Readers", [(day(30), 9), (day(0), 1), (day(10), 4)])],
}


@pytest.mark.parametrize("step", [False, True])
@pytest.mark.parametrize("name", DATASETS)
def test_every_drawn_point_lies_in_the_plot_area(name, step):
    result = chart(*DATASETS[name], step=step)
    assert result.has_data
    for series in result.series:
        assert series.coordinates
        for x, y in series.coordinates:
            assert inside_plot(result, x, y), (name, x, y)


@pytest.mark.parametrize("name", DATASETS)
def test_numbers_are_rounded_to_one_decimal_place(name):
    result = chart(*DATASETS[name], markers=[Marker(day(5), "Version 2")], step=True)
    numbers = [
        *(value for series in result.series for point in series.coordinates for value in point),
        *(tick.x for tick in result.x_ticks),
        *(tick.y for tick in result.y_ticks),
        *(result.plot.left, result.plot.top, result.plot.right, result.plot.bottom),
        *(value for marker in result.markers for value in (marker.x, marker.label_x)),
    ]
    assert all(round(number, 1) == number for number in numbers)
    for series in result.series:
        assert re.fullmatch(
            r"-?\d+(\.\d)?,-?\d+(\.\d)?( -?\d+(\.\d)?,-?\d+(\.\d)?)*", series.points
        )


@pytest.mark.parametrize(
    "largest", [3, 4, 5, 6, 7, 9, 10, 11, 13, 19, 21, 49, 99, 100, 101, 999, 1234, 98765, 10**12]
)
def test_y_ticks_are_four_to_six_round_numbers_from_nought_covering_the_largest(largest):
    result = chart(values(0, largest))
    ticks = [tick.value for tick in result.y_ticks]
    assert 4 <= len(ticks) <= 6
    assert ticks[0] == 0
    assert ticks[-2] < largest <= ticks[-1]
    step = ticks[1] - ticks[0]
    assert all(b - a == step for a, b in zip(ticks, ticks[1:], strict=False))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert mantissa in (1, 2, 5)
    assert all(value == int(value) for value in ticks)


@pytest.mark.parametrize(
    ("largest", "expected"),
    [(0, ["0", "1"]), (1, ["0", "1"]), (2, ["0", "1", "2"]), (0.4, ["0", "1"])],
)
def test_y_ticks_for_small_counts_are_whole_numbers(largest, expected):
    result = chart(values(0, largest))
    assert [tick.label for tick in result.y_ticks] == expected


@pytest.mark.parametrize(
    ("largest", "expected"),
    [
        (0.37, ["0", "0.1", "0.2", "0.3", "0.4"]),
        (0.3, ["0", "0.1", "0.2", "0.3"]),
        (4.5, ["0", "1", "2", "3", "4", "5"]),
        (0.004, ["0", "0.001", "0.002", "0.003", "0.004"]),
        (2500.5, ["0", "1,000", "2,000", "3,000"]),
    ],
)
def test_y_ticks_for_measures_may_be_fractions(largest, expected):
    result = chart(values(0, largest), integer_ticks=False)
    assert [tick.label for tick in result.y_ticks] == expected


def test_y_ticks_reach_below_nought_for_negative_values():
    ticks = [tick.value for tick in chart(values(-4, 2, 7)).y_ticks]
    assert ticks[0] <= -4 < 0 < 7 <= ticks[-1]
    assert 0 in ticks


def test_y_ticks_run_from_the_bottom_of_the_plot_to_the_top():
    result = chart(values(0, 13))
    assert result.y_ticks[0].y == result.plot.bottom
    assert result.y_ticks[-1].y == result.plot.top
    assert [tick.y for tick in result.y_ticks] == sorted(
        (tick.y for tick in result.y_ticks), reverse=True
    )


def test_very_large_values_are_grouped_and_leave_room_to_plot():
    result = chart(values(0, 10**12))
    assert result.y_ticks[-1].label == "1,000,000,000,000"
    assert result.series[0].latest_label == "1,000,000,000,000"
    assert result.plot.left <= result.width / 3
    assert result.plot.width > result.width / 2


@pytest.mark.parametrize(
    "days", [0, 1, 6, 7, 13, 14, 20, 30, 59, 60, 61, 90, 200, 365, 1000, 11000]
)
@pytest.mark.parametrize("width", [320, 640, 1600])
def test_x_ticks_are_in_range_in_order_and_at_most_eight(days, width):
    result = chart(values(1, 2), start=day(0), end=day(days), width=width)
    dates = [tick.date for tick in result.x_ticks]
    assert 1 <= len(dates) <= 8
    assert dates == sorted(set(dates))
    assert all(day(0) <= date <= day(days) for date in dates)
    assert all(result.plot.left <= tick.x <= result.plot.right for tick in result.x_ticks)


@pytest.mark.parametrize("days", [61, 90, 365, 1000, 11000])
def test_long_ranges_are_marked_at_month_starts(days):
    result = chart(values(1), start=day(0), end=day(days))
    assert len(result.x_ticks) >= 2
    for tick in result.x_ticks:
        assert tick.date.day == 1
        assert tick.label == tick.date.strftime("%b %Y")


def test_half_a_year_shows_every_month():
    result = chart(values(1), start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30))
    assert [tick.label for tick in result.x_ticks] == [
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
        "Apr 2026",
        "May 2026",
        "Jun 2026",
    ]


@pytest.mark.parametrize("days", [14, 30, 60])
def test_a_few_weeks_are_marked_on_mondays(days):
    result = chart(values(1), start=day(0), end=day(days))
    assert len(result.x_ticks) >= 2
    for tick in result.x_ticks:
        assert tick.date.weekday() == 0
        assert tick.label == f"{tick.date.day} {tick.date.strftime('%b')}"


def test_a_few_days_are_marked_by_day():
    result = chart(values(1), start=datetime.date(2026, 3, 3), end=datetime.date(2026, 3, 6))
    assert [tick.label for tick in result.x_ticks] == ["3 Mar", "4 Mar", "5 Mar", "6 Mar"]
    assert result.x_ticks[0].x == result.plot.left
    assert result.x_ticks[-1].x == result.plot.right


def test_step_lines_hold_each_value_until_the_next_point_and_the_last_until_the_end():
    result = chart(values(0, 2, 5), end=day(40), step=True)
    coordinates = result.series[0].coordinates
    assert len(coordinates) == 6
    for (x1, y1), (x2, y2) in zip(coordinates, coordinates[1:], strict=False):
        assert x1 == x2 or y1 == y2
        assert x1 <= x2
    assert [y for _, y in coordinates[0:2]] == [result.plot.bottom] * 2
    assert coordinates[-1][0] == result.plot.right
    assert coordinates[-1][1] == coordinates[-2][1]
    assert result.series[0].latest_value == 5
    assert result.series[0].latest_date == day(40)


def test_straight_lines_join_the_points_directly():
    result = chart(values(0, 2, 5), end=day(40))
    assert len(result.series[0].coordinates) == 3
    assert result.series[0].coordinates[-1][0] < result.plot.right
    assert result.series[0].latest_date == day(20)


def test_unsorted_points_are_drawn_in_date_order():
    shuffled = Series("Readers", [(day(20), 5), (day(0), 0), (day(10), 2)])
    in_order = Series("Readers", [(day(0), 0), (day(10), 2), (day(20), 5)])
    for step in (False, True):
        assert chart(shuffled, step=step) == chart(in_order, step=step)
    assert chart(shuffled).series[0].latest_value == 5


def test_of_two_points_on_one_date_the_last_given_counts():
    result = chart(Series("Readers", [(day(0), 1), (day(5), 3), (day(5), 4)]))
    assert result.series[0].latest_value == 4


def test_datetimes_count_as_their_dates():
    moment = datetime.datetime(2026, 1, 11, 15, 30)
    result = chart(Series("Readers", [(day(0), 1), (moment, 3)]), end=day(10), start=day(0))
    assert result.series[0].latest_value == 3
    assert result.series[0].coordinates[-1][0] == result.plot.right


def test_step_lines_carry_the_value_in_force_across_the_start():
    result = chart(values(4, 6, 9), start=day(15), end=day(25), step=True)
    plot, top_tick = result.plot, result.y_ticks[-1].value
    middle = (plot.left + plot.right) / 2
    y_six = plot.bottom - 6 / top_tick * plot.height
    y_nine = plot.bottom - 9 / top_tick * plot.height
    expected = [(plot.left, y_six), (middle, y_six), (middle, y_nine), (plot.right, y_nine)]
    coordinates = result.series[0].coordinates
    assert len(coordinates) == len(expected)
    for (x, y), (expected_x, expected_y) in zip(coordinates, expected, strict=True):
        assert x == pytest.approx(expected_x, abs=0.1)
        assert y == pytest.approx(expected_y, abs=0.1)
    assert result.series[0].latest_value == 9


def test_straight_lines_are_cut_where_they_cross_the_edges():
    result = chart(values(0, 10, 20, 30), start=day(5), end=day(25))
    series = result.series[0]
    assert series.coordinates[0][0] == result.plot.left
    assert series.coordinates[-1][0] == result.plot.right
    assert series.latest_value == 25
    assert [tick.value for tick in result.y_ticks][-1] < 30


@pytest.mark.parametrize("step", [False, True])
def test_points_outside_the_range_are_not_drawn_nor_scaled_for(step):
    outside = Series("Later", [(day(100), 10**6), (day(200), 10**7)], "tertiary")
    result = chart(values(0, 3), outside, start=day(0), end=day(10), step=step)
    assert result.series[1].coordinates == ()
    assert result.series[1].latest_value is None
    assert result.y_ticks[-1].value == 3


@pytest.mark.parametrize(
    "series",
    [[], [Series("Readers", [])], [Series("Readers", []), Series("Adopters", [], "secondary")]],
    ids=["no series", "an empty series", "two empty series"],
)
def test_nothing_to_draw_still_gives_axes(series):
    result = chart(*series)
    assert not result.has_data
    assert [tick.label for tick in result.y_ticks] == ["0", "1"]
    assert result.x_ticks == ()
    assert all(item.coordinates == () for item in result.series)
    with_range = chart(*series, start=day(0), end=day(90))
    assert not with_range.has_data
    assert with_range.x_ticks


def test_all_zero_values_sit_on_the_baseline():
    result = chart(values(0, 0, 0), step=True)
    assert {y for _, y in result.series[0].coordinates} == {result.plot.bottom}
    assert [tick.label for tick in result.y_ticks] == ["0", "1"]
    assert result.series[0].latest_label == "0"


@pytest.mark.parametrize("step", [False, True])
def test_a_single_point_is_a_symbol_not_a_line(step):
    result = chart(values(7), step=step)
    series = result.series[0]
    assert not series.is_line
    assert series.latest_point == series.coordinates[0]
    assert series.latest_point[0] == (result.plot.left + result.plot.right) / 2
    assert [tick.label for tick in result.x_ticks] == ["1 Jan"]


def test_a_single_point_with_a_step_reaches_the_end_of_a_longer_range():
    result = chart(values(7), end=day(30), step=True)
    assert result.series[0].is_line
    assert result.series[0].coordinates[-1][0] == result.plot.right


def test_one_day_range_puts_everything_in_the_middle():
    result = chart(values(3), start=day(0), end=day(0), markers=[Marker(day(0), "Endorsed")])
    middle = (result.plot.left + result.plot.right) / 2
    assert result.series[0].coordinates == ((middle, result.plot.top),)
    assert result.markers[0].x == middle
    assert [tick.x for tick in result.x_ticks] == [middle]


def test_range_defaults_to_the_points_and_markers():
    result = chart(values(1, 2, 3), markers=[Marker(day(45), "Version 2")])
    assert (result.start, result.end) == (day(0), day(45))
    only_end = chart(values(1, 2, 3), end=day(60))
    assert (only_end.start, only_end.end) == (day(0), day(60))


def test_markers_in_range_are_drawn_and_others_left_out():
    markers = [Marker(day(-5), "Before"), Marker(day(10), "Version 2"), Marker(day(99), "After")]
    result = chart(values(1, 2, 3), start=day(0), end=day(30), markers=markers)
    assert [marker.label for marker in result.markers] == ["Version 2"]
    marker = result.markers[0]
    assert result.plot.left < marker.x < result.plot.right
    assert marker.line_top < result.plot.top
    assert marker.label_y < result.plot.top
    assert marker.date_label == "11 Jan 2026"


def test_marker_labels_near_each_other_do_not_overlap_or_leave_the_chart():
    markers = [Marker(day(n), f"Version {n + 1} endorsed") for n in (0, 1, 2, 29, 30)]
    result = chart(values(1, 2, 3, 4), start=day(0), end=day(30), markers=markers)
    spans = []
    for marker in result.markers:
        width = len(marker.label) * result.font_size * 0.6
        low = marker.label_x if marker.anchor == "start" else marker.label_x - width
        spans.append((marker.label_y, low, low + width))
        assert 0 <= low and low + width <= result.width
    for index, (y, low, high) in enumerate(spans[:3]):
        for other_y, other_low, other_high in spans[index + 1 : 3]:
            assert y != other_y or high < other_low or other_high < low


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": day(5), "end": day(1)}, "after"),
        ({"chart_id": ""}, "chart_id"),
        ({"chart_id": "1chart"}, "chart_id"),
        ({"chart_id": "two words"}, "chart_id"),
        ({"chart_id": "chart\n"}, "chart_id"),
        ({"chart_id": '"><script>'}, "chart_id"),
        ({"width": 60, "height": 40}, "too small"),
    ],
)
def test_unusable_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        chart(values(1, 2), **options)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e16, 10**400])
def test_values_that_cannot_be_drawn_are_refused(value):
    with pytest.raises(ValueError, match="finite|within"):
        chart(values(1, value))


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="style"):
        Series("Readers", [], "rainbow")


# Markup

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "]]><script>alert(1)</script>",
    "&lt;script&gt;",
]


def full_chart(text: str = "Readers") -> LineChart:
    return chart(
        Series(text, [(day(0), 0), (day(20), 12), (day(40), 30)]),
        Series("Adopters", [(day(0), 0), (day(30), 3)], "secondary"),
        Series("Hospices", [(day(10), 1)], "tertiary"),
        markers=[Marker(day(0), "Version 1"), Marker(day(25), "Version 2 endorsed")],
        y_label="Number",
        step=True,
    )


CHARTS = {
    "full": full_chart(),
    "empty": chart(),
    "empty series": chart(Series("Readers", [])),
    "single point": chart(values(4)),
    "large": chart(values(0, 10**12)),
}


@pytest.mark.parametrize("name", CHARTS)
def test_the_svg_is_well_formed_and_named_by_its_title_and_description(name):
    result = CHARTS[name]
    svg = main_svg(render(result))
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("viewBox") == "0 0 640 300"
    assert svg.get("width") == "100%"
    labelled_by = svg.get("aria-labelledby").split()
    assert labelled_by == ["test-chart-title", "test-chart-desc"]
    by_id = {element.get("id"): element for element in svg.iter()}
    assert by_id["test-chart-title"].tag == f"{SVG}title"
    assert by_id["test-chart-title"].text == "Uptake"
    assert by_id["test-chart-desc"].tag == f"{SVG}desc"
    assert by_id["test-chart-desc"].text == "Readers and adopters since endorsement."
    assert svg[0].tag == f"{SVG}title"


def test_each_series_is_drawn_with_its_own_style():
    svg = main_svg(render(full_chart()))
    lines = svg.findall(f".//{SVG}polyline")
    assert [line.get("class").split()[-1] for line in lines] == list(STYLES.values())
    assert all(line.get("fill") == "none" for line in lines)
    symbols = svg.findall(f".//{SVG}path[@class]")
    assert [symbol.get("class").split()[-1] for symbol in symbols] == list(STYLES.values())
    assert len({symbol.get("d") for symbol in symbols}) == 3


def test_ticks_markers_and_axis_label_are_written_out():
    result = full_chart()
    texts = [text.text for text in main_svg(render(result)).iter(f"{SVG}text")]
    assert [tick.label for tick in result.y_ticks] == texts[: len(result.y_ticks)]
    assert {tick.label for tick in result.x_ticks} <= set(texts)
    assert {"Number", "Version 1", "Version 2 endorsed"} <= set(texts)


def test_the_legend_is_html_and_lists_each_series_latest_value_and_each_marker():
    html = render(full_chart())
    legend = html[html.index('<ul class="nc-chart__legend"') : html.index("</ul>")]
    items = re.findall(r"<li>.*?</li>", legend, flags=re.S)
    assert len(items) == 5
    plain = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]
    assert plain[0] == "Readers: 30 on 10 Feb 2026"
    assert plain[1] == "Adopters: 3 on 10 Feb 2026"
    assert plain[2] == "Hospices: 1 on 10 Feb 2026"
    assert plain[3:] == ["Version 1 1 Jan 2026", "Version 2 endorsed 26 Jan 2026"]
    assert all('aria-hidden="true"' in item for item in items)


def test_the_legend_says_when_a_series_has_nothing_to_show():
    html = render(chart(Series("Readers", []), start=day(0), end=day(9)))
    assert "no figures in this period" in html
    assert "No figures to show yet" in html


def test_the_data_table_is_linked_when_there_is_one():
    assert '<a href="#uptake-table">Data for this chart</a>' in render(
        full_chart(), table_id="uptake-table"
    )
    assert "Data for this chart" not in render(full_chart())


def test_numbers_in_the_svg_are_not_localised():
    wide = chart(values(0, 1500, 2500), width=1600, height=800)
    with override_settings(USE_THOUSAND_SEPARATOR=True):
        svg = main_svg(render(wide))
    numeric = re.compile(r"-?\d+(\.\d+)?")
    for element in svg.iter():
        for attribute in ("x", "y", "x1", "x2", "y1", "y2"):
            if element.get(attribute) is not None:
                assert numeric.fullmatch(element.get(attribute)), element.attrib
    assert "1,500" not in svg.find(f".//{SVG}polyline").get("points")


@pytest.mark.parametrize("attack", HOSTILE)
def test_hostile_text_is_escaped_everywhere(attack):
    result = chart(
        Series(attack, [(day(0), 1), (day(9), 2)]),
        title=attack,
        description=attack,
        y_label=attack,
        markers=[Marker(day(3), attack)],
    )
    html = render(result, table_id=attack)
    assert attack not in html
    assert "<script" not in html
    assert "<img" not in html
    svg = main_svg(html)
    assert svg.find(f"{SVG}title").text == attack
    assert svg.find(f"{SVG}desc").text == attack
    assert attack in [text.text for text in svg.iter(f"{SVG}text")]


# Styles


def _rule(css: str, selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, selector
    return match.group(1)


def _contrast_with_white(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


def test_series_styles_differ_by_dash_pattern_as_well_as_colour_and_contrast_with_white():
    css = CSS.read_text(encoding="utf-8")
    colours, dashes = set(), set()
    for css_class in STYLES.values():
        rule = _rule(css, f".{css_class}")
        colour = re.search(r"(?<!-)color:\s*(#[0-9a-f]{6})", rule).group(1)
        assert _contrast_with_white(colour) >= 3, (css_class, colour)
        dash = re.search(r"stroke-dasharray:\s*([^;]+)", rule)
        colours.add(colour)
        dashes.add(dash.group(1).strip() if dash else "solid")
    assert len(colours) == len(dashes) == len(STYLES)
    marker = _rule(css, ".nc-chart__marker")
    assert _contrast_with_white(re.search(r"stroke:\s*(#[0-9a-f]{6})", marker).group(1)) >= 3


def test_a_single_point_is_drawn_as_its_symbol_only():
    result = chart(values(4))
    svg = main_svg(render(result))
    assert svg.findall(f".//{SVG}polyline") == []
    symbols = svg.findall(f".//{SVG}path[@class]")
    assert len(symbols) == 1
    middle = (result.plot.left + result.plot.right) / 2
    assert symbols[0].get("transform") == f"translate({middle} {result.plot.top})"
