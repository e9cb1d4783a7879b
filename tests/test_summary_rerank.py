"""Brief D11's bench-only variants (issue #20, not shipped: below the +0.004 keep rule): summary-level reranking
candidates (bench/summary_rerank.py) are the package's summaries at other selection settings, the one at the
package's settings being its summary; clause roles (bench/summary_variants.clause_role) read on the Simplified
twin, so both scripts get the same roles."""

from __future__ import annotations

import numpy as np
import pytest

from bench.summary_rerank import FEATURE_NAMES, base_index, candidates, settings
from bench.summary_variants import ROLE_NAMES, clause_role
from rag.answering.selection import score_article
from rag.answering.summaries import summarize_article
from rag.answering.summary_model import DEFAULTS
from rag.evaluate import strip_markers
from rag.lang.script import to_simplified, to_traditional


def test_the_candidates_include_the_package_summary_and_vary_around_it(seed_articles):
    for article in seed_articles.values():
        texts, X = candidates(article, score_article(article), dict(DEFAULTS))
        assert len(texts) == len(settings(DEFAULTS)) == X.shape[0] == 18
        assert X.shape[1] == len(FEATURE_NAMES) and np.isfinite(X).all()
        assert texts[base_index(DEFAULTS)] == strip_markers(summarize_article(article).summary)
        assert len(set(texts)) > 1  # other settings give other summaries


@pytest.mark.parametrize("convert", [to_simplified, to_traditional])
def test_clause_roles_on_the_twin(convert):
    cases = {"据新华社报道，": ("attr_lead", "attr_only"), "记者从市商务局获悉，": ("attr_lead", "attr_only"),
             "他表示，": ("said_tail",), "7月26日上午，": ("time_only",), "在青岛市崂山区，": ("place_only",),
             "同时要加强监管": ("connective",), "“我们会更好”": ("quote",)}
    for text, want in cases.items():
        got = clause_role(to_simplified(convert(text)))  # roles are read on the Simplified twin
        flags = {name for name, v in zip(ROLE_NAMES, got) if v and name != "digits"}
        assert flags == set(want), (text, flags)
    assert clause_role("增长12.5%，达到300亿元")[ROLE_NAMES.index("digits")] == 1.0
    assert len(clause_role("x")) == len(ROLE_NAMES)


def test_the_stack_cut_without_asides_is_the_package_cut(seed_articles):
    """--compare stack leaves asides out of the package's tied clause runs: without asides its cut is runs()'s."""
    from bench.summary_variants import aside_cut
    from rag.answering.picks import runs

    for article in seed_articles.values():
        scored = score_article(article)
        mine, package = aside_cut(scored, {}, asides=False, tied=True), runs(scored)
        assert mine.spans == package.spans and mine.pieces == package.pieces
