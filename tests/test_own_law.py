"""A question about a regulated product refused from another product's law is answered
from the product's own law when one of its passages was retrieved."""

from pathlib import Path

from conftest import assistant_over_texts

FOOD_LAW = """中华人民共和国食品安全法

第五十三条 经销商店里必须建立食品进货查验记录制度，如实记录食品的名称、数量。
"""
EQUIPMENT_LAW = """中华人民共和国特种设备安全法

第二十七条 特种设备销售单位应当建立特种设备检查验收和销售记录制度。
"""


def test_the_products_own_law_answers(tmp_path: Path) -> None:
    assistant = assistant_over_texts(
        tmp_path, {"食品安全法.txt": FOOD_LAW, "特种设备安全法.txt": EQUIPMENT_LAW}
    )
    answer = assistant.ask("卖锅炉的经销商，店里必须建立哪项记录制度？")
    assert answer.found, answer.answer
    assert "检查验收和销售记录制度" in answer.answer
