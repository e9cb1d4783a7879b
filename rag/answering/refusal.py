"""When to refuse: a calibrated answerability probability from question-level signals of the ranked pool (how
much of the question the best article and unit hold, whether the asked-for predicate and focus noun are there,
whether the article holds any filler of the kind of answer asked for, the ranker's margin), and the reply that
says what is missing. The logistic weights and the threshold (chosen on dev questions for a stated false-refusal
rate) are fitted by bench/train_answer.py and ship in data/answer_model.json."""

from __future__ import annotations

import numpy as np

from rag.answering.model import AnswerModel, Ranked
from rag.answering.qfeatures import INDEX, searched_coverage, slot_cue_words
from rag.answering.question import TYPED, Question

QFEATURES = (
    "s_gap", "typed", "slot_new_top", "slot_new_top5", "slot_near_top5", "slot_none_art", "missing_art",
    "missing_near_art", "focus_art", "measure_art", "cov_top", "cov_art", "pred_art", "head_new_art", "focus_top",
    "english", "lexical", "filled_cov", "filled_gap",
)
TOP = 5  # units whose slot fillers count as "near the top"


def question_features(q: Question, ranked: Ranked, rows: np.ndarray | None = None) -> np.ndarray:
    """Question-level signals of the best unit among `rows` (all rows by default) and of its article."""
    f = np.zeros(len(QFEATURES), dtype=np.float32)
    order = ranked.order(rows)
    if not len(order):
        return f
    X, s = ranked.X, ranked.scores
    t = order[0]
    col = INDEX
    art_rows = np.where(ranked.owner == ranked.owner[t])[0]
    typed = q.atype in TYPED
    head = order[:TOP]
    local = X[art_rows, col["cov_local"]]
    filled = X[art_rows, col["slot_new"]] > 0
    # does a unit that holds a filler also hold the question's specific words? (the winner it never names)
    filled_cov = float(local[filled].max()) if typed and filled.any() else (0.0 if typed else float(local.max()))
    values = {
        "filled_cov": filled_cov,
        "filled_gap": float(local.max()) - filled_cov,
        "s_gap": s[t] - (s[order[1]] if len(order) > 1 else s[t] - 5.0),
        "typed": float(typed),
        "slot_new_top": X[t, col["slot_new"]] if typed else 1.0,
        "slot_new_top5": X[head, col["slot_new"]].max() if typed else 1.0,
        "slot_near_top5": X[head, col["slot_near"]].max() if typed else 1.0,
        "slot_none_art": X[t, col["slot_none_art"]],
        "missing_art": X[t, col["missing_art"]],
        "missing_near_art": X[t, col["missing_near_art"]] if q.near else 0.0,
        "focus_art": X[t, col["focus_art"]],
        "measure_art": X[t, col["measure_art"]] if q.measure else 1.0,
        "cov_top": X[t, col["cov"]],
        "cov_art": X[t, col["cov_art"]],
        "pred_art": X[art_rows, col["pred"]].max() if q.predicates else 1.0,
        "head_new_art": X[art_rows, col["head_new"]].max() if q.head else 1.0,
        "focus_top": X[t, col["focus"]] if q.focus else 1.0,
        "english": float(q.script == "en"),
        "lexical": float(q.lexical),
    }
    for i, name in enumerate(QFEATURES):
        f[i] = values[name]
    return f


def answerability(q: Question, ranked: Ranked, model: AnswerModel, rows: np.ndarray | None = None) -> float:
    """P(the articles answer the question), from the best unit among `rows`."""
    if not len(ranked.scores):
        return 0.0
    return model.p_answerable(question_features(q, ranked, rows), QFEATURES)


def too_little_of_it(q: Question, ranked: Ranked, model: AnswerModel) -> bool:
    """A Chinese question whose best article holds less than the fitted share of its words (渠岸镇… asked of
    articles about other towns), counting only the words retrieval searches on (试飞持续了多久: 多久 is no word
    an article lacks; rag.answering.qfeatures.searched_coverage)."""
    order = ranked.order()
    if not len(order) or q.script == "en" or float(ranked.X[order[0], INDEX["cov_art"]]) >= model.min_article_coverage:
        return False
    text = ranked.article_of(int(order[0])).units.text
    return searched_coverage(q.terms, text, slot_cue_words(q)) < model.min_article_coverage


# What a refusal names as missing when the article names the topic but holds no filler of the asked-for kind.
MISSING_ZH = {
    "person": "人名", "speaker": "说话人", "title": "职务", "org": "机构名称", "place": "地点", "date": "日期", "year": "年份", "time": "时间",
    "duration": "时长", "age": "年龄", "percent": "比例", "money": "金额", "number": "数字", "purpose": "目的",
    "cause": "原因", "manner": "做法", "phone": "联系电话",
}
MISSING_EN = {
    "person": "a name", "speaker": "who said it", "title": "a job title", "org": "an organisation", "place": "a place",
    "date": "a date", "year": "a year", "time": "a time", "duration": "how long", "age": "an age", "percent": "a percentage",
    "money": "an amount of money", "number": "a number", "purpose": "a purpose", "cause": "a cause",
    "manner": "how it was done", "phone": "a phone number",
}


def missing_slot(q: Question, ranked: Ranked) -> str | None:
    """The kind of answer the best article lacks (its article holds no filler of it), or None."""
    order = ranked.order()
    if not len(order) or q.atype not in TYPED:
        return None
    t = order[0]
    if ranked.X[t, INDEX["slot_none_art"]] >= 1.0 or (q.measure and ranked.X[t, INDEX["measure_art"]] == 0):
        return q.atype
    return None
