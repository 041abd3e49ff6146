"""The 数据 tab's chart: the figures of the filtered table, drawn so they read well.

``chart_data`` (pure) picks what can share one axis: numeric values in the most common
unit, at most ``MAX_BARS`` of them, each labelled with its region, indicator and target
year. ``bar_chart`` draws them as horizontal bars (long Chinese labels are never cut),
with the value written on each bar and an axis that starts near the smallest value when
all values are close (90–95% stay apart), at 0 otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

MAX_BARS = 30
CJK_FONTS = ["WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "DejaVu Sans"]


@dataclass(frozen=True)
class ChartData:
    labels: tuple[str, ...]
    values: tuple[float, ...]
    shown: tuple[str, ...]  # each value as written in the document
    regions: tuple[str, ...]
    unit: str
    caption: str


def chart_data(frame: pd.DataFrame, heading: str = "") -> tuple[ChartData | None, str]:
    """Bars for the rows of a figures table (qa.present.html.figures_frame columns).

    Returns (None, why) when nothing can be drawn, so the page says so instead of
    showing an empty chart.
    """
    numeric = frame[frame["数字"].notna()] if "数字" in frame else frame.iloc[0:0]
    if numeric.empty:
        return None, "没有可以画图的数值：请换一个指标关键词或放宽筛选条件。"
    unit = numeric["单位"].mode().iloc[0]
    rows = numeric[numeric["单位"] == unit]
    left_out = len(numeric) - len(rows)
    cut = max(0, len(rows) - MAX_BARS)
    rows = rows.head(MAX_BARS)
    labels: list[str] = []
    for region, indicator, year in zip(rows["地区"], rows["指标"], rows["目标年份"], strict=True):
        year_text = f"（{int(year)}年）" if pd.notna(year) else ""
        label = f"{region or '—'} {indicator}{year_text}"
        base, n = label, 2
        while label in labels:
            label, n = f"{base} #{n}", n + 1
        labels.append(label)
    caption = f"{heading or '当前表格'}：{len(rows)} 个数值，单位 {unit or '（无单位）'}"
    extra = []
    if left_out:
        extra.append(f"另有 {left_out} 个其他单位的数值未画出")
    if cut:
        extra.append(f"只画出前 {MAX_BARS} 个，另有 {cut} 个请缩小筛选")
    if extra:
        caption += "（" + "；".join(extra) + "）"
    data = ChartData(
        labels=tuple(labels),
        values=tuple(float(v) for v in rows["数字"]),
        shown=tuple(str(v) for v in rows["数值"]),
        regions=tuple(str(r) for r in rows["地区"]),
        unit=str(unit or ""),
        caption=caption,
    )
    return data, caption


def axis_range(values: tuple[float, ...]) -> tuple[float, float]:
    """Start at 0 unless every value is far from it (then close below the smallest)."""
    low, high = min(values), max(values)
    if low < 0:
        return low * 1.1, max(high, 0) * 1.15 or 1.0
    if high == 0:
        return 0.0, 1.0
    spread = high - low
    if low > 0 and spread < 0.5 * high:
        step = 10 ** math.floor(math.log10(max(spread, high * 0.01)))
        start = math.floor((low - max(spread * 0.6, step)) / step) * step
        return max(0.0, start), high + max(spread * 0.25, step * 0.8)
    return 0.0, high * 1.15


FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # fmt: skip


def cjk_font() -> str:
    """A font family that draws Chinese, registering a system font matplotlib's cached
    font list may predate (fonts installed after matplotlib first ran)."""
    import logging
    from pathlib import Path

    from matplotlib import font_manager

    # The .ttc declares weight "medium" only; matplotlib warns on every draw otherwise.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    known = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS[:-1]:
        if name in known:
            return name
    for path in FONT_FILES:
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return CJK_FONTS[-1]


def bar_chart(data: ChartData) -> Any:
    """A matplotlib Figure of horizontal bars, coloured by region, values on the bars."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    plt.rcParams["font.sans-serif"] = [cjk_font(), *CJK_FONTS]
    plt.rcParams["axes.unicode_minus"] = False
    height = max(2.2, 0.42 * len(data.values) + 1.2)
    figure = Figure(figsize=(9, height), dpi=100)
    axes = figure.add_subplot()
    regions = list(dict.fromkeys(data.regions))
    palette = plt.get_cmap("tab10")
    colours = [palette(regions.index(r) % 10) for r in data.regions]
    positions = list(range(len(data.values)))[::-1]
    bars = axes.barh(positions, data.values, color=colours, height=0.65)
    axes.set_yticks(positions, labels=data.labels, fontsize=10)
    suffix = data.unit if data.unit else ""
    axes.bar_label(bars, labels=[f"{v}{suffix}" for v in data.shown], padding=3, fontsize=10)
    low, high = axis_range(data.values)
    axes.set_xlim(low, high)
    axes.set_xlabel(f"数值（{data.unit}）" if data.unit else "数值")
    if low > 0:
        axes.text(0, -0.08 - 0.6 / height, f"注：横轴从 {low:g} 开始，以便看清差别。",
                  transform=axes.transAxes, fontsize=9, color="#555")  # fmt: skip
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return figure
