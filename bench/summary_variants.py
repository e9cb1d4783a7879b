"""Summary variants tried on CRUD summaries_dev by bench/fit_summary.py --compare and not shipped (issue #20, briefs
D9 and D10; each short of the +0.004 a change must gain in nested CV: see `tried` in bench/results_summary_model.json):
a per-article length target, the title or its actor phrase as opener, the year before a summary's own opening
month and day, and short bracketed asides left out as a cited gap. Bench only: the package makes none of them.
Also the dateline as shipped before brief D10b (`shipped_dated_picks`: a summary opening with a bare day, 26日…, or
当日… got the whole dateline before it, 2023年7月26日，26日，…), so that nested CV compares it in one process."""

from __future__ import annotations

import re

import numpy as np

from bench.summary_data import Doc
from rag.answering.elision import elide, shown_length
from rag.answering.picks import Cut, choose, unit_facts
from rag.answering.selection import Scored, article_tau, best_run, best_short_run, sentence_ties
from rag.answering.summary_model import DEFAULTS
from rag.answering.cues import twin
from rag.answering.summaries import dateline, opens_dated
from rag.answering.timeline import stated_date

# ---- the dateline before brief D10b ------------------------------------------------------------------------


_SHIPPED_DATED = re.compile(r"\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]")


def shipped_dated_picks(article, scored: Scored, params: dict, cut: Cut | None = None):
    """rag.answering.summaries.dated_picks as shipped before brief D10b: the whole dateline unless the first piece
    opens with a month and day of its own (so 2023年7月26日，26日，… and 2023年7月26日，当日，…)."""
    def opens_dated(article, picks):  # the shipped test: a month and day of its own
        p, a, _ = picks[0].shown[0]
        return bool(_SHIPPED_DATED.match(twin(article.paragraph(p)[a:a + 24])))

    picks = choose(scored, params, cut)
    line = dateline(article, scored)
    if not line or not picks or opens_dated(article, picks):
        return "", picks
    used = len("".join(line.split()))
    picks = choose(scored, {**params, "target_chars": params["target_chars"] - used,
                            "max_chars": params["max_chars"] - used}, cut)
    return ("" if opens_dated(article, picks) else line), picks


# ---- a per-article length target, the title as opener (brief D9) ---------------------------------------

_WS = re.compile(r"\s+")
_ACTOR = re.compile(r"([^：:]{2,12})[：:]")  # 工信部：… (the headline's actor phrase)


def length_features(d: Doc) -> np.ndarray:
    """What an article's reference length might follow: its length, paragraphs, sentences, numbers, title."""
    text = d.ix.joined
    n_num = len(re.findall(r"\d+(?:\.\d+)?", text))
    return np.asarray([np.log(len(text) + 1), len(d.article.paragraphs), d.n_sent, np.log1p(n_num),
                       len(_WS.sub("", d.article.title)), len(text) / max(1, d.n_sent)], dtype=np.float64)


def fit_length(docs: list[Doc], alpha: float = 1.0) -> dict:
    """A ridge regression from length_features to the reference's length (characters), fitted on `docs`;
    a summary's target moves by len_slope × (prediction − the median prediction on `docs`)."""
    X = np.stack([length_features(d) for d in docs])
    y = np.asarray([len(d.ref_key) for d in docs], dtype=np.float64)
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-9
    Z = (X - mean) / scale
    coef = np.linalg.solve(Z.T @ Z + alpha * np.eye(Z.shape[1]), Z.T @ (y - y.mean()))
    pred = Z @ coef + y.mean()
    return {"mean": mean, "scale": scale, "coef": coef, "intercept": float(y.mean()), "center": float(np.median(pred)),
            "r_train": float(np.corrcoef(pred, y)[0, 1])}


def length_target(d: Doc, params: dict) -> dict:
    lm, slope = params.get("length_model"), params.get("len_slope", 0.0)
    if not lm or not slope:
        return params
    pred = float(((length_features(d) - lm["mean"]) / lm["scale"]) @ lm["coef"] + lm["intercept"])
    target = int(np.clip(params["target_chars"] + slope * (pred - lm["center"]), 120, 250))
    return {**params, "target_chars": target, "max_chars": target + params["max_chars"] - params["target_chars"]}


def opener(d: Doc, body: str, params: dict) -> str:
    """The title (or its actor phrase) shown before the picks: "" unless params' opener asks, and for the title
    unless the picks already say it (its characters' LCS share with them ≥ title_near)."""
    kind, title = params.get("opener"), _WS.sub("，", d.article.title.strip())
    if kind == "title":
        key = _WS.sub("", title)
        from rapidfuzz.distance import LCSseq

        near = LCSseq.similarity(key, _WS.sub("", body)) / max(1, len(key))
        return f"{title}。" if key and near < params.get("title_near", 0.7) else ""
    if kind == "actor":
        m = _ACTOR.match(title)
        return f"{m.group(1)}：" if m and m.group(1) not in body[:40] else ""
    return ""



_YEAR_FIRST = re.compile(r"\s*\d{4}\s*年")


def year_line(d: Doc, scored, params: dict, cut, picks):
    """("2023年", picks) when the summary opens with a month and day of its own (8月4日上午，…) but no year: the
    year (rag.answering.timeline.stated_date: the article's, or the one before for a later month) goes before
    it, inside the budget; else ("", picks)."""
    def opening(ps):
        p, a, _ = ps[0].shown[0]
        return d.article.paragraph(p)[a:a + 24]

    if not opens_dated(d.article, picks) or _YEAR_FIRST.match(opening(picks)):
        return "", picks
    when = stated_date(d.article.date, opening(picks))
    if when is None or when.year is None:
        return "", picks
    line = f"{when.year}年"
    again = choose(scored, {**params, "target_chars": params["target_chars"] - len(line),
                            "max_chars": params["max_chars"] - len(line)}, cut)
    if again and opens_dated(d.article, again) and not _YEAR_FIRST.match(opening(again)):
        return line, again
    return "", picks


# ---- short bracketed asides left out (brief D10) --------------------------------------------------------------

ASIDE = re.compile(r"[（(][^（()）“”‘’《》\n]{1,40}[）)]")  # a short aside in brackets, nothing nested
QUOTE_OPEN, QUOTE_CLOSE = "“‘「『《", "”’」』》"  # an aside inside a quote or a title stays: quotes stay whole
AFTER_ASIDE = "，、；：,;: "  # clause marks right after a left-out aside are left out with it
FINAL_MARKS = "。！？!?；;"


def covered(text: str, end: int) -> list[bool]:
    """For each position of text[:end]: whether it lies inside a quote or a title mark (as measured in brief D10;
    an aside inside a longer bracket is not looked for and would be cut: a bench variant, not shipped)."""
    out, depth = [], 0
    for ch in text[:end]:
        if ch in QUOTE_OPEN:
            depth += 1
        out.append(depth > 0)
        if ch in QUOTE_CLOSE:
            depth = max(0, depth - 1)
    return out


def drop_asides(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (start, end) pieces of `text` with each short bracketed aside (ASIDE) outside quotes and titles left out: a piece splits around it (shown joined by the GAP, each part a verbatim span), the clause
    marks after it go with it; an aside that opens a piece moves its start, one followed only by closing
    punctuation its end. An aside that is all its piece says stays."""
    if not pieces:
        return pieces
    inside = covered(text, pieces[-1][1])
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        cur = a
        for m in ASIDE.finditer(text, a, b):
            if inside[m.start()] or m.start() < cur:
                continue
            after = m.end()
            while after < b and text[after] in AFTER_ASIDE:
                after += 1
            head, rest = text[cur:m.start()], text[after:b]
            if not head.strip(AFTER_ASIDE) and not rest.strip():
                continue
            if head.strip():
                out.append((cur, m.start()))
            if all(ch in FINAL_MARKS for ch in rest.strip()):
                cur = b  # only closing punctuation after it: the piece ends before the aside (shown closes it)
                break
            cur = after
        if cur < b:
            out.append((cur, b))
    return out or pieces


def untied_cut(scored: Scored, params: dict) -> Cut:
    """rag.answering.picks.runs as shipped before brief D10c: clause runs cut without clause ties (a speech
    tail could be kept without its words: 参加课程的退休教师李国华说。)."""
    return aside_cut(scored, params, asides=False)


def aside_cut(scored: Scored, params: dict, asides: bool = True, tied: bool = False) -> Cut:
    """rag.answering.picks.runs with each candidate's shown pieces passed through drop_asides: its cost (and
    whether a long run also offers its best short run) is the length as shown without the asides. Clause runs
    are cut without clause ties (rag.answering.ties), as before brief D10c, unless `tied` (brief D11's stack)."""
    p = {**DEFAULTS, **params}
    sentences, pk = scored.sentences, scored.clause_scores
    tau = article_tau(pk, p["tau_quantile"])
    bounds = np.cumsum([0] + [len(s.clauses) for s in sentences])
    spans, owners, pieces, lengths, vecs = [], [], [], [], []

    def add(i: int, s, a: int, b: int) -> float:
        spans.append((s.paragraph, a, b))
        owners.append(i)
        text = scored.paragraphs[s.paragraph - 1] if p["elide"] and scored.paragraphs else ""
        cut = elide(text, list(s.clauses), a, b) if text else [(a, b)]
        cut = drop_asides(text, cut) if text and asides else cut
        pieces.append(tuple((s.paragraph, x, y) for x, y in cut))
        lengths.append(shown_length(cut))
        inside = [c for c, (x, y) in enumerate(s.clauses) if a <= x and y <= b]
        v = scored.clause_bags[[bounds[i] + c for c in inside]].sum(axis=0)
        vecs.append(v / max(1e-9, float(np.linalg.norm(v))))
        return lengths[-1]

    ties = (sentence_ties(scored) if tied else None) or [None] * len(sentences)
    for i, s in enumerate(sentences):
        a, b = best_run(s, pk[i], tau, p["min_run_chars"], ties[i])
        if add(i, s, a, b) > p["short_chars"] > 0:
            short = best_short_run(s, pk[i], tau, p["short_chars"], (a, b), p["min_run_chars"], ties[i])
            if short is not None and short != (a, b):
                add(i, s, *short)
    facts = [unit_facts(scored.ix, span) for span in spans] if p["fact_bonus"] and scored.ix is not None else None
    width = scored.clause_bags.shape[1]
    return Cut(spans, np.asarray(owners, dtype=np.int64), pieces, np.asarray(lengths, dtype=np.float64),
               np.asarray(vecs).reshape(len(spans), width), facts)


# ---- clause roles (brief D11, idea 2) -------------------------------------------------------------------------

_ATTR_LEAD = re.compile(r"^\s*(?:据|记者|通讯员|本报讯|本报|新华社|中新社|中新网|央视网|人民网|新华网|央广网)"
                        r"[^，,]{0,40}(?:报道|获悉|了解到|了解|消息|电|讯|介绍|得知|发布)?")
_ATTR_ONLY = re.compile(r"^\s*(?:据[^，,]{0,40}(?:报道|消息|介绍|统计|通报|数据|显示)|记者[^，,]{0,40}(?:获悉|了解到|了解|"
                        r"得知|注意到|看到)|[^，,]{0,8}(?:讯|电)(?:（[^）]*）)?)[，,：:\s]*$")
_SAID_TAIL = re.compile(r"(?:表示|介绍|指出|称|说|强调|认为|透露|告诉记者|坦言|说道|表明)[，,：:\s]*$")
_TIME_ONLY = re.compile(r"^\s*(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:近日|日前|近期|当天|当日|今天|昨天|今年|去年|目前|此前|"
                        r"随后|同时|此外|另外|其中)?(?:上午|下午|晚上|晚间|中午|凌晨|早上|晚)?(?:\d{1,2}时(?:\d{1,2}分)?)?"
                        r"(?:许|左右)?[，,\s]*$")
_PLACE_ONLY = re.compile(r"^\s*(?:在|于)[^，,]{1,30}(?:举行|召开|举办|上|中|内|里)?[，,\s]*$")
_CONNECT = re.compile(r"^\s*(?:同时|此外|另外|并且|并|而且|而|但是|但|其中|因此|所以|对此|为此|随后|然后|目前)")
_QUOTE_MARK = re.compile(r"[“”「」]")
_DIGIT = re.compile(r"\d")
ROLE_NAMES = ("attr_lead", "attr_only", "said_tail", "time_only", "place_only", "connective", "quote", "digits")


def clause_role(text: str) -> list[float]:
    """What a clause is in its sentence (on the Simplified twin): attribution (据…报道, 记者…获悉), a speech tail
    (…表示), only a time, only a place (在…), a connective opening, a quotation, its digits (capped)."""
    t = text.strip()
    return [float(bool(_ATTR_LEAD.match(t))), float(bool(_ATTR_ONLY.match(t))), float(bool(_SAID_TAIL.search(t))),
            float(bool(_TIME_ONLY.match(t)) and len(t) > 1), float(bool(_PLACE_ONLY.match(t))),
            float(bool(_CONNECT.match(t))), float(bool(_QUOTE_MARK.search(t))), min(3, len(_DIGIT.findall(t))) / 3]


def role_columns(d: Doc) -> np.ndarray:
    """Rows as d.X (sentences, then clauses): zeros for sentences; for each clause its role, the previous
    clause's first six roles, the next clause's first three, and whether it is first / last / where it is."""
    rows = [[0.0] * 20] * d.n_sent
    for s in d.sentences:
        text = d.ix.paragraphs[s.paragraph - 1]
        roles = [clause_role(text[a:b]) for a, b in s.clauses]
        m = len(roles)
        for j, r in enumerate(roles):
            prev = roles[j - 1][:6] if j else [0.0] * 6
            nxt = roles[j + 1][:3] if j + 1 < m else [0.0] * 3
            rows.append(r + prev + nxt + [float(j == 0), float(j == m - 1), j / max(1, m - 1)])
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), 20)
