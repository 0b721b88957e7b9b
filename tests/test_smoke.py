from pathlib import Path

from conftest import read_pdf


def test_guide_and_card_from_the_command_line(run, tmp_path: Path, brand_file: Path) -> None:
    result = run("guide", "piriformis", "--brand", brand_file)
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "piriformis-guide.pdf")
    assert facts.pages >= 3
    assert "Riverside Massage Therapy" in facts.text
    result = run("card", "piriformis", "side-stretch", "--brand", brand_file)
    assert result.exit_code == 0, result.output
    card = read_pdf(tmp_path / "piriformis-side-stretch-card.pdf")
    assert card.pages == 2  # the routine on the front, the tick-log on the back
    assert "Side stretch" in card.texts[0] and "Your practice log" in card.texts[1]
