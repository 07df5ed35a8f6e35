"""The incident chart: which series it shows, their names and units, and the Altair specification that draws them.

``series`` says what each series is, ``choice`` picks the default view, ``strip`` and ``panels`` draw, and
``figure`` assembles the chart for the browser, the PDF (PNG through vl-convert) and ``postmortem chart``.
"""

from core.chart.choice import MAX_PANELS, default_keys, impact_window, shown
from core.chart.downsample import MAX_POINTS, downsample
from core.chart.figure import PRINT_ROWS, chart_json, chart_png, has_data, story, timeline_chart
from core.chart.panels import MAX_ROWS
from core.chart.series import ChartSeries, Role, describe, series_key

__all__ = [
    "MAX_PANELS", "MAX_POINTS", "MAX_ROWS", "PRINT_ROWS", "ChartSeries", "Role", "chart_json", "chart_png",
    "default_keys", "describe", "downsample", "has_data", "impact_window", "series_key", "shown", "story",
    "timeline_chart",
]
