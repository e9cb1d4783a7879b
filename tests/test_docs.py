"""The README a newcomer follows (issue #16, item 6): every setting documented, no link outside the repository."""

from __future__ import annotations

import re
from dataclasses import fields

from rag.config import ENV, Config
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_variable_and_flag_is_in_the_readme():
    from rag.cli import build_parser

    missing = [name for name, _setting, _parse in ENV if name not in README]
    assert missing == []
    settings = {setting for _name, setting, _parse in ENV}
    assert settings == {f.name for f in fields(Config)}  # every field is settable from the environment
    flags = {opt for action in build_parser()._subparsers._group_actions[0].choices["serve"]._actions
             for opt in action.option_strings if opt.startswith("--")} - {"--help", "--quiet"}
    assert sorted(f for f in flags if f not in README) == []


def test_links_stay_inside_the_repository_and_lead_somewhere():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "README.md"]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            assert not target.startswith(("http:", "https:", "/", "..")), (doc.name, target)
            assert (doc.parent / target.split("#")[0]).exists(), (doc.name, target)
    assert "../shared" not in README  # the eval formats are documented in the repository (docs/eval-format.md)


def test_the_readme_says_where_uploads_go_and_how_to_name_an_article():
    assert "./.rag/articles" in README and "RAG_DATA_DIR" in README and "never into `corpus/`" in README
    assert "`#3`" in README and "`第3篇`" in README and "shelf number" in README
    assert (ROOT / "docs" / "eval-format.md").exists() and "docs/eval-format.md" in README
