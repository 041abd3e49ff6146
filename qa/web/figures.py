"""数据: every figure of the corpus, filtered; the chart follows the same filters."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from qa.assistant import Assistant
from qa.present import html as ui
from qa.present.charts import bar_chart, chart_data
from qa.web.common import ALL, any_, export_dir, guarded

# The page shows the value as written; 数字 (the value as a number) stays in the CSV
# and feeds the chart.
SHOWN_COLUMNS = [c for c in ui.FIGURE_COLUMNS if c != "数字"]
# Fixed pixel widths: on a phone the table scrolls sideways instead of wrapping headers
# one character per line.
SHOWN_WIDTHS: list[str | int] = ["90px", "220px", "70px", "60px", "70px", "80px", "120px", "220px", "180px", "320px"]  # fmt: skip


def heading(document: str, region: str, keyword: str, year: str, rows: int) -> str:
    """What the table shows, in words: 全部数据 only when nothing is filtered."""
    parts = []
    if any_(document):
        parts.append(f"文件《{document}》")
    if any_(region):
        parts.append(f"地区 {region}")
    if keyword and keyword.strip():
        parts.append(f"指标含“{keyword.strip()}”")
    if any_(year):
        parts.append(f"目标年份 {year}")
    if not parts:
        return f"#### 全部数据（{rows} 条）"
    if rows == 0:
        return f"#### 筛选结果：{'，'.join(parts)} —— 没有符合条件的数据，请放宽筛选条件。"
    return f"#### 筛选结果：{'，'.join(parts)}（{rows} 条）"


class FigureHandlers:
    assistant: Assistant

    def figures(self) -> pd.DataFrame:
        return ui.figures_frame(self.assistant.index.documents, self.assistant.figures)

    def filter_choices(self) -> tuple[list[str], list[str], list[str]]:
        docs = self.assistant.documents
        years = sorted({str(f.target_year) for f in self.assistant.figures if f.target_year})
        regions = sorted({d.region for d in docs if d.region})
        return [ALL, *(d.title for d in docs)], [ALL, *regions], [ALL, *years]

    @guarded
    def figure_table(self, title: str, region: str, keyword: str, year: str) -> pd.DataFrame:
        """The filtered figures with every column (the CSV and the chart use this)."""
        return ui.filter_figures(self.figures(), any_(title), any_(region), keyword, any_(year))

    @guarded
    def figure_view(
        self, title: str, region: str, keyword: str, year: str
    ) -> tuple[str, pd.DataFrame, Any, str]:
        """Heading, table, chart and chart caption for the current filters."""
        frame = self.figure_table(title, region, keyword, year)
        data, caption = chart_data(frame, "当前筛选")
        chart = (
            gr.update(value=bar_chart(data), visible=True)
            if data
            else gr.update(value=None, visible=False)
        )
        return (
            heading(title, region, keyword, year, len(frame)),
            frame[SHOWN_COLUMNS],
            chart,
            f"**图表**：{caption}",
        )

    @guarded
    def figure_csv(self, title: str, region: str, keyword: str, year: str) -> str:
        frame = self.figure_table(title, region, keyword, year)
        return str(ui.write_figures_csv(frame, export_dir() / "figures.csv"))


def build_figures_tab(h: FigureHandlers) -> dict[str, Any]:
    titles, regions, years = h.filter_choices()
    with gr.Row():
        title = gr.Dropdown(titles, value=ALL, label="文件", min_width=160)
        region = gr.Dropdown(regions, value=ALL, label="地区", min_width=120)
        keyword = gr.Textbox(label="指标关键词", placeholder="例如：监督抽查合格率", min_width=160)
        year = gr.Dropdown(years, value=ALL, label="目标年份", min_width=120)
    head, table, chart, caption = h.figure_view(ALL, ALL, "", ALL)
    heading_view = gr.Markdown(head, elem_id="figures-heading")
    table_view = gr.Dataframe(
        table,
        interactive=False,
        wrap=True,
        column_widths=SHOWN_WIDTHS,
        elem_id="figures-table",
        max_height=420,
    )
    with gr.Row():
        csv_button = gr.Button("下载 CSV（当前筛选）")
        csv_file = gr.File(
            label="CSV（UTF-8，Excel 可直接打开）", visible=False, elem_id="figures-csv"
        )
    caption_view = gr.Markdown(caption, elem_id="chart-caption")
    chart_view = gr.Plot(
        chart["value"],
        label="图表（跟随上面的筛选）",
        elem_id="figures-chart",
        visible=chart["visible"],
    )
    return {
        "filters": [title, region, keyword, year],
        "title": title,
        "region": region,
        "year": year,
        "table": table_view,
        "outputs": [heading_view, table_view, chart_view, caption_view],
        "csv_button": csv_button,
        "csv_file": csv_file,
    }


def wire_figures(h: FigureHandlers, c: dict[str, Any], private: dict[str, Any]) -> None:
    for component in c["filters"]:
        component.change(
            h.figure_view, c["filters"], c["outputs"], trigger_mode="always_last", **private
        )

    def csv(*filters: str) -> Any:
        return gr.update(value=h.figure_csv(*filters), visible=True)

    c["csv_button"].click(csv, c["filters"], c["csv_file"], **private)
