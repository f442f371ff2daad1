"""wobble.check: the command line's checker from Python."""

import pytest

from helpers import ROOT

import wobble


def test_a_shipped_site_passes_and_reports_what_was_played():
    report = wobble.check(ROOT / "sites" / "choose-list.ron", seeds=3)
    assert report["passed"], report["findings"]
    assert report["site"] == "choose-list"
    assert len(report["cells"]) == 16
    assert all(c["episodes"] == 3 and c["solved"] == 3 for c in report["cells"])


def test_a_finding_names_the_recipe_step_and_its_line():
    text = (ROOT / "sites" / "click-button.ron").read_text()
    assert 'except: ["target"]' in text
    report = wobble.check(text.replace('except: ["target"]', "except: []"), seeds=10)
    assert not report["passed"]
    finding = next(f for f in report["findings"] if f["stage"] == "ambiguity")
    assert finding["step"]["index"] == 0
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "solution:" in l)
    assert finding["step"]["line"] == line


def test_a_file_that_does_not_compile_is_a_located_value_error():
    text = (ROOT / "sites" / "click-button.ron").read_text().replace("List(", "Lst(", 1)
    with pytest.raises(ValueError, match=r"^site\.ron:\d+:\d+: unknown kind `Lst`"):
        wobble.check(text)
    with pytest.raises(ValueError, match="severity"):
        wobble.check(text, severity=4)
    with pytest.raises(TypeError):
        wobble.check(42)
