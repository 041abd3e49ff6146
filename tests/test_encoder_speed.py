from pathlib import Path

from eval.encoder_speed import cpu_facts


def test_the_cpu_is_named_with_whether_it_has_vnni(tmp_path: Path) -> None:
    # int8 speed depends on VNNI, so every figure is printed beside the CPU's facts.
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nmodel name\t: AMD EPYC 9B14\nflags\t\t: fpu sse avx2 avx512f avx512_vnni\n",
        encoding="utf-8",
    )
    assert cpu_facts(cpuinfo) == {"cpu": "AMD EPYC 9B14", "avx2": True, "avx512_vnni": True}
    cpuinfo.write_text("model name\t: AMD EPYC\nflags\t\t: fpu sse avx2\n", encoding="utf-8")
    assert cpu_facts(cpuinfo) == {"cpu": "AMD EPYC", "avx2": True, "avx512_vnni": False}
