"""The app served over HTTP in-process and asked through gradio_client, as evaluators do."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import fake_assistant_over

from qa.assistant import Assistant
from tests.schema import FIRST_ANSWER_KEYS, FIRST_FIGURE_KEYS, FIRST_PASSAGE_KEYS

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, serve_app: Callable[[Assistant], str]) -> str:
    root = tmp_path_factory.mktemp("e2e")
    shutil.copytree(CORPUS, root / "corpus")
    return serve_app(fake_assistant_over(root / "corpus", root / "index"))


def test_ask_api_returns_the_cli_schema(server: str) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    record = client.predict("厦门到2018年森林覆盖率要达到多少?", "", api_name="/ask")
    # The first version's fields, unchanged; later fields are only added (qa.present.records).
    assert set(record) >= FIRST_ANSWER_KEYS
    assert record["question"] == "厦门到2018年森林覆盖率要达到多少?"
    assert record["passages"], "an answer must come with passages"
    passage = record["passages"][0]
    assert set(passage) >= FIRST_PASSAGE_KEYS  # pages/ocr/ocr_confidence added for paged formats
    assert passage["rank"] == 1 and isinstance(passage["section_path"], list)
    assert passage["pages"] == [] and passage["ocr"] is False  # a .txt has neither
    for figure in record["figures"]:
        assert set(figure) >= FIRST_FIGURE_KEYS


def test_ask_api_filter_and_traditional_question(server: str) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    record = client.predict("服務業對經濟增長的貢獻率目標是多少?", "阿拉善盟", api_name="/ask")
    assert record["passages"] and {p["region"] for p in record["passages"]} == {"阿拉善盟"}


def test_ask_api_reports_bad_input_as_an_error(server: str) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(server, verbose=False)
    with pytest.raises(AppError, match="问题为空"):
        client.predict("", "", api_name="/ask")
    with pytest.raises(AppError, match="No document matches"):
        client.predict("合格率是多少?", "不存在的地方", api_name="/ask")
