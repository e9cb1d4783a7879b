"""Per-article summaries as an editor would cut them (real seeds, in both scripts; real CRUD articles), the shipped
model, clause compression and list cuts, the summary cache."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from rag import evaluate as ev
from rag.answering.clauses import article_sentences, trim_lead
from rag.answering.elision import elide
from rag.answering.summaries import ALGORITHM, ExtractiveSummarizer, summarize_article
from rag.answering.summary_cache import SummaryCache
from rag.answering.summary_model import SUMMARY_FEATURES, shipped_model
from rag.lang.script import normalize, script_of, to_simplified, to_traditional
from rag.lang.sentences import sentences, split_sentences
from rag.records import Summary

CRUD = Path(__file__).resolve().parents[2] / "shared" / "crud"
QUAN = "004_7e177a0353be72cf"

# What each seed's summary must say (Simplified; any one of the alternatives), read off the article by hand:
# the event, the place, the date, and the main outcome (for 渠岸镇 all three of its outcomes).
SEED_FACTS = {
    "000_049c7ef42d054db3": {"event": ["签约仪式"], "place": ["石马镇"], "date": ["6月25日"], "outcome": ["共建合作协议"]},
    "001_75c24a0883477bc4": {"event": ["直联共建活动"], "place": ["锦江区"], "date": ["6月26日"], "outcome": ["清单", "签约", "签署"]},
    "002_e44c29edbf155723": {"event": ["联席会"], "place": ["青山区"], "date": ["6月16日"], "outcome": ["睦邻共建协议"]},
    "003_149da1c9ea8086b3": {"event": ["擂台比武"], "place": ["青岛"], "date": ["近日", "7月11日", "7月6日", "7月1日"], "outcome": ["首批100个"]},
    QUAN: {"event": ["干部大会"], "place": ["渠岸镇"], "date": ["2月25日"],
           "chair": ["张晓敏"], "groups": ["13个工作专班"], "documents": ["责任书"]},
}
PREAMBLE = re.compile(r"^(为了?(全面|进一步|充分|持续|推动)|按照|根据)")
SLOGANS = ("精气神", "踔厉奋发", "勇毅前行", "撸起袖子", "二十大精神的开局之年")


def assert_cited(summary: Summary, articles) -> None:
    """[n] markers match the citations, and each quote is verbatim at its offsets in its paragraph."""
    assert [int(n) for n in re.findall(r"\[(\d+)\]", summary.summary)] == [c.n for c in summary.citations]
    for c in summary.citations:
        paragraph = articles[c.article_id].paragraph(c.paragraph)
        assert paragraph[c.start : c.end] == c.quote
        assert ev.quote_valid(c.to_json(), articles)


def in_script(article, script: str):
    """The article converted to Simplified or Traditional (offsets change with it; ids stay)."""
    convert = to_simplified if script == "hans" else to_traditional
    return dataclasses.replace(article, title=convert(article.title), paragraphs=tuple(convert(p) for p in article.paragraphs))


@pytest.mark.parametrize("script", ["hans", "hant"])
@pytest.mark.parametrize("article_id", sorted(SEED_FACTS))
def test_seed_summaries_name_the_event_place_date_and_outcome(article_id, script, seed_articles):
    article = in_script(seed_articles[article_id], script)
    summary = summarize_article(article)
    text = normalize(summary.summary)
    for what, alternatives in SEED_FACTS[article_id].items():
        assert any(a in text for a in alternatives), f"{article_id} ({script}) does not say the {what}: {text}"
    assert 120 <= ev.answer_length(summary.summary) <= 260  # 120-250 characters, plus a closing 。 per cut run
    assert_cited(summary, {article.id: article})


def test_seed_summaries_leave_out_preambles_slogans_and_attendance(seed_articles):
    for article in seed_articles.values():
        summary = summarize_article(article)
        for c in summary.citations:
            assert not PREAMBLE.match(normalize(c.quote)), c.quote
            assert not any(s in normalize(c.quote) for s in SLOGANS), c.quote
            assert not re.search(r"参加(会议|活动)", normalize(c.quote)), c.quote
        positions = [(c.paragraph, c.start) for c in summary.citations]
        assert positions == sorted(positions) and len(set(positions)) == len(positions)  # article order
    quan = normalize(summarize_article(seed_articles[QUAN]).summary)
    assert "为全面贯彻" not in quan and "驻村第一书记" not in quan


def test_a_compressed_run_is_whole_clauses_of_one_sentence(seed_articles):
    compressed = 0
    for article in seed_articles.values():
        frame = {(s.paragraph, s.start): s for s in article_sentences(article.paragraphs)}
        for c in summarize_article(article).citations:
            sentence = next(s for (p, _), s in frame.items() if p == c.paragraph and s.start <= c.start < s.end)
            starts = {a for a, _ in sentence.clauses}
            ends = {b for _, b in sentence.clauses} | {sentence.end}
            assert c.start in starts or c.start > sentence.start  # a clause start, or after a list cut
            assert c.end in ends or c.end < sentence.end
            compressed += (c.start, c.end) != (sentence.start, sentence.end)
    assert compressed  # the seeds' summaries do cut sentences


def test_a_long_list_is_cut_to_its_first_and_last_item(seed_articles):
    article = seed_articles[QUAN]
    summary = summarize_article(article)
    assert "并下设党建工作专班…乡村振兴工作专班等13个工作专班" in summary.summary
    pairs = [(a, b) for a, b in zip(summary.citations, summary.citations[1:])
             if a.quote.endswith("并下设党建工作专班") and b.quote.startswith("乡村振兴工作专班等13个工作专班")]
    assert len(pairs) == 1
    head, tail = pairs[0]
    assert head.paragraph == tail.paragraph and head.end < tail.start  # two verbatim pieces, the middle items left out
    assert "项目包装工作专班" in article.paragraph(head.paragraph)[head.end:tail.start]
    text = "甲、乙、丙"
    assert elide(text, [(0, len(text))], 0, len(text)) == [(0, len(text))]  # a short list stays whole


def test_datelines_are_trimmed_but_spans_stay_verbatim():
    text = "新华社北京8月11日电 商务部11日首次发布《美国履行世贸组织规则义务情况报告》。"
    start = trim_lead(text, 0, len(text))
    assert text[start:].startswith("商务部") and start == len("新华社北京8月11日电 ")
    (a, b), = split_sentences(text)
    assert text[trim_lead(text, a, b):b] == text[start:]


def crud_articles(*ids: str) -> dict:
    if not (CRUD / "articles.jsonl").exists():
        pytest.skip("../shared/crud is not beside this checkout")
    from rag.ingest.articles import load_corpus

    return {a.id: a for a in load_corpus([CRUD / "articles.jsonl"]).articles if a.id in ids}


DATED, OPENS_WITH_DAY, UNDATED = "64fa9b30b82641eb8ecc038a", "64fa9b2db82641eb8ecbf9c7", "64fa9b2bb82641eb8ecbebe2"


def test_a_summary_opens_with_its_event_date_uncited_and_within_its_length():
    """Real CRUD articles: 商务部11日首次发布… (published 2023-08-12) opens with 2023年8月11日，, the day its lead
    states; one whose summary opens with a day of its own (8月4日上午…) and one without a date get no dateline."""
    arts = crud_articles(DATED, OPENS_WITH_DAY, UNDATED)
    dated = summarize_article(arts[DATED])
    assert dated.summary.startswith("2023年8月11日，" + dated.citations[0].quote)  # then the first cited piece
    assert_cited(dated, arts)  # the dateline carries no marker, every piece is verbatim
    assert 120 <= ev.answer_length(dated.summary) <= 260
    for plain in (OPENS_WITH_DAY, UNDATED):
        summary = summarize_article(arts[plain])
        assert summary.summary.startswith(summary.citations[0].quote), summary.summary[:40]


def test_the_dateline_takes_the_day_the_lead_states_else_the_article_date():
    from rag.answering.selection import score_article
    from rag.answering.summaries import dateline
    from rag.ingest.articles import Article

    body = ("工信部发布组织开展移动互联网应用程序备案工作的通知，从9月起组织开展APP备案工作。", "通知要求APP主办者履行备案手续。")
    for date, lead, want in (("2023-07-21T08:00", "昨晚，", "2023年7月21日，"),  # a relative day: the article's date
                             ("2023-08-12", "11日，", "2023年8月11日，"),  # a bare day of the article's month
                             ("2023-08-12", "8月3日，", "2023年8月3日，"),  # a month and day (timeline.event_date)
                             ("2023-08-12", "2日，", "2023年8月12日，"),  # more than a week back: not trusted
                             ("--08-12", "", ""), (None, "", "")):  # no year, no date: no dateline
        article = Article("t", "工信部：APP须备案", (lead + body[0], body[1]), date=date)
        assert dateline(article, score_article(article)) == want, (date, lead)
    english = Article("e", "Rules", ("The ministry issued rules on app filing on Friday.",), date="2023-08-12")
    assert dateline(english, score_article(english)) == "2023-08-12: "


def test_an_article_with_nothing_to_summarise_gets_a_note(seed_articles):
    article = dataclasses.replace(next(iter(seed_articles.values())), paragraphs=("好。",))
    summary = summarize_article(article)
    assert summary.citations == [] and summary.note


def test_the_shipped_model_is_the_one_the_features_describe():
    model = shipped_model()
    assert len(model.sentence.coef if hasattr(model.sentence, "coef") else model.sentence.trees) > 0
    assert model.to_json()["features"] == list(SUMMARY_FEATURES)
    assert (Path(__file__).resolve().parents[1] / "bench" / "fit_summary.py").exists()  # the script that fits it


@pytest.mark.slow
def test_rouge_l_beats_lead3_on_crud_dev():
    if not (CRUD / "summaries_dev.jsonl").exists():
        pytest.skip("../shared/crud is not beside this checkout")
    from rag.ingest.articles import load_corpus

    articles = {a.id: a for a in load_corpus([CRUD / "articles.jsonl"]).articles}
    ours, lead, lengths = [], [], []
    for rec in ev.read_jsonl(CRUD / "summaries_dev.jsonl")[:200]:
        article = articles[rec["id"]]
        summary = summarize_article(article)
        ours.append(ev.rouge_l(summary.summary, rec["reference_summary"]))
        lengths.append(ev.answer_length(summary.summary))
        lead.append(ev.rouge_l("".join([s for p in article.paragraphs for s in sentences(p)][:3]), rec["reference_summary"]))
        assert_cited(summary, articles)
    assert sum(ours) / len(ours) >= sum(lead) / len(lead) + 0.03
    assert max(lengths) <= 260 and sorted(lengths)[len(lengths) // 2] >= 120


def test_cache_computes_once_and_survives_a_restart(seed_articles, tmp_path):
    article = seed_articles[QUAN]
    calls = []

    def make(a):
        calls.append(a.id)
        return summarize_article(a)

    first = SummaryCache(tmp_path).get_or_make(article, make, ALGORITHM)
    again = SummaryCache(tmp_path).get_or_make(article, make, ALGORITHM)  # a new process reads summaries.json
    assert calls == [article.id]
    assert again.to_json() == first.to_json()
    stored = json.loads((tmp_path / SummaryCache.FILE).read_text(encoding="utf-8"))
    assert list(stored) == [f"{article.content_hash}:{ALGORITHM}"]
    assert [p.name for p in tmp_path.iterdir()] == [SummaryCache.FILE]  # written atomically, no temp left


def test_a_summary_cached_by_an_older_algorithm_is_recomputed(seed_articles, tmp_path):
    article = seed_articles[QUAN]
    old = Summary(article.id, article.title, "旧的摘要[1]", [])
    SummaryCache(tmp_path).get_or_make(article, lambda _a: old, "extractive-2")
    fresh = ExtractiveSummarizer(SummaryCache(tmp_path)).summarize(article)
    assert fresh.summary != old.summary and fresh.citations


def test_cache_is_keyed_by_content_not_id(seed_articles, tmp_path):
    article = seed_articles["002_e44c29edbf155723"]
    cache = SummaryCache(tmp_path)
    cache.get_or_make(article, summarize_article, ALGORITHM)
    renamed = dataclasses.replace(article, id="renamed")
    hit = cache.get(renamed, ALGORITHM)
    assert hit is not None and hit.article_id == "renamed" and all(c.article_id == "renamed" for c in hit.citations)
    edited = dataclasses.replace(article, paragraphs=article.paragraphs[1:])
    assert cache.get(edited, ALGORITHM) is None  # changed text: computed afresh


def test_unreadable_cache_is_rebuilt_not_raised(seed_articles, tmp_path):
    (tmp_path / SummaryCache.FILE).write_text("{not json", encoding="utf-8")
    article = seed_articles["000_049c7ef42d054db3"]
    summary = SummaryCache(tmp_path).get_or_make(article, summarize_article, ALGORITHM)
    assert summary.citations
    assert json.loads((tmp_path / SummaryCache.FILE).read_text(encoding="utf-8"))


def test_summary_shown_in_another_script_keeps_quotes_verbatim(seed_articles):
    summary = summarize_article(seed_articles["003_149da1c9ea8086b3"])  # a Traditional article
    shown = summary.in_script("hans")
    assert script_of(shown.summary) == "hans" and shown.original == summary.summary
    assert [c.quote for c in shown.citations] == [c.quote for c in summary.citations]
    assert summary.in_script("hant") is summary and summary.in_script("en") is summary


@pytest.mark.slow
def test_engine_summaries_are_cached_with_the_index(seed_engine):
    article_id = "001_75c24a0883477bc4"
    first = seed_engine.summarize(article_id)
    path = Path(seed_engine.config.index_dir) / SummaryCache.FILE
    assert path.exists()
    key = f"{seed_engine.articles[article_id].content_hash}:{ALGORITHM}"
    assert key in json.loads(path.read_text(encoding="utf-8"))
    assert seed_engine.summarize(article_id).to_json() == first.to_json()
    assert_cited(first, seed_engine.articles)
    assert_cited(seed_engine.overview(), seed_engine.articles)


def test_a_long_article_is_summarised_in_time_linear_in_its_length():
    """6,000 sentences over a 20,000-word vocabulary (~220,000 characters) summarise in seconds: every feature
    (centrality, redundancy, positions) comes from the article's totals, never from per-sentence copies of them."""
    import os
    import random
    import time

    import jieba

    from rag.ingest.articles import Article

    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        words = [w for w in (line.split()[0] for line in f) if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w)]
    rng = random.Random(3)
    vocab = rng.sample(words, 20_000)
    sents = ["".join(rng.choice(vocab) for _ in range(12)) + "。" for _ in range(6000)]
    article = Article("long", "一篇很长的文章", tuple("".join(sents[i : i + 5]) for i in range(0, len(sents), 5)))
    summarize_article(Article("warm", "预热", ("预热一下分词器。",)))  # (jieba's dictionary loads once)
    start = time.process_time()
    summary = summarize_article(article)
    assert time.process_time() - start < 15
    assert summary.citations
    assert_cited(summary, {article.id: article})
