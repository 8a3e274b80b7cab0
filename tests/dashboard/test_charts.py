"""The SVG chart functions: escaped labels, proportional marks, links and hover titles."""

import re

from cppcc_portal.dashboard.charts import (
    Mark,
    StackedRow,
    bar_chart,
    hbar_chart,
    progress_ring,
    stacked_bar_chart,
    trend_chart,
)


def bar_heights(svg: str) -> list[float]:
    return [float(h) for h in re.findall(r'<rect class="bar" [^>]*height="([0-9.]+)"', svg)]


def test_column_heights_are_proportional_to_the_values():
    svg = bar_chart([Mark("甲", 10), Mark("乙", 5), Mark("丙", 0)], label="活动", height=100)
    assert bar_heights(svg) == [100.0, 50.0, 0.0]


def test_a_fixed_maximum_scales_every_column_against_it():
    svg = bar_chart([Mark("甲", 30), Mark("乙", 60)], label="活动", height=120, max_value=120)
    assert bar_heights(svg) == [30.0, 60.0]


def test_horizontal_bar_lengths_are_proportional_to_the_values():
    svg = hbar_chart([Mark("区民政局", 4), Mark("区教委", 1)], label="超期")
    widths = [float(w) for w in re.findall(r'<rect class="bar" [^>]*width="([0-9.]+)"', svg)]
    track = float(
        re.search(r'<rect x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)"[^>]*fill="#e0e0e0"', svg).group(1)
    )
    assert widths == [track, track / 4]


def test_labels_and_titles_are_escaped():
    evil = '<script>alert("x")</script>'
    svg = str(bar_chart([Mark(evil, 3, href="/list/?q=<b>&x=1", hint=evil)], label=evil))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'href="/list/?q=&lt;b&gt;&amp;x=1"' in svg


def test_every_mark_links_to_its_list_with_a_hover_title():
    svg = str(bar_chart([Mark("会议", 7, href="/admin/members/activity/?kind__exact=meeting")], label="活动"))
    assert '<a href="/admin/members/activity/?kind__exact=meeting"><title>会议: 7</title>' in svg


def test_charts_carry_no_inline_style_or_script():
    svgs = [
        bar_chart([Mark("a", 1)], label="a"),
        hbar_chart([Mark("a", 1)], label="a"),
        stacked_bar_chart([StackedRow("a", [Mark("x", 1), Mark("y", 2)])], label="a", legend=["x", "y"]),
        progress_ring(42, label="a"),
        trend_chart([Mark("2016", 1), Mark("2017", 3)], label="a"),
    ]
    for svg in svgs:
        assert "style=" not in svg
        assert "<script" not in svg


def test_stacked_segments_fill_their_share_of_the_row():
    svg = stacked_bar_chart(
        [StackedRow("经济界", [Mark("出席", 3), Mark("请假", 1)])], label="出勤", percent=True
    )
    widths = [float(w) for w in re.findall(r'<rect class="segment" [^>]*width="([0-9.]+)"', svg)]
    track = float(
        re.search(r'<rect x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)"[^>]*fill="#e0e0e0"', svg).group(1)
    )
    assert widths == [track * 3 / 4, track / 4]


def test_progress_ring_fills_the_given_share_of_its_circumference():
    svg = str(progress_ring(25, label="进度", size=100))
    dash = re.search(r'stroke-dasharray="([0-9.]+) ([0-9.]+)"', svg)
    assert abs(float(dash.group(1)) / float(dash.group(2)) - 0.25) < 0.001
    assert "25%" in svg


def test_a_trend_puts_zero_on_the_axis_and_the_highest_value_at_the_top():
    svg = str(trend_chart([Mark("2016", 0), Mark("2017", 10)], label="趋势", height=100))
    ys = [float(y) for y in re.findall(r'cy="([0-9.]+)"', svg)]
    assert ys == [116.0, 16.0]


def test_the_dashboard_draws_ten_year_trends_from_the_stored_rows_only():
    from cppcc_portal.dashboard.presenters import trends_view

    trends = {"proposals": [(2016, 180), (2017, 200)], "reports": [(2017, 30)]}
    views = trends_view(trends, 2017)
    # A figure known for a single year draws no line.
    assert [(v["first"], v["last"]) for v in views] == [(2016, 2017)]
    assert 'href="/dashboard/?year=2016"' in str(views[0]["chart"])
    assert "<table" in str(views[0]["chart"])
