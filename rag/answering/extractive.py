"""Extractive cited answers: the articles' own words that answer a question, no language model.

Retrieve chunks; read the best articles whole as answer units (sentences, clause runs, list items, enumerations,
quotations with their speaker: rag.answering.units); score every unit with the fitted ranker over question-
dependent features (rag.answering.qfeatures, rag.answering.model); refuse when the calibrated answerability
falls below the threshold chosen for a stated false-refusal rate (rag.answering.refusal), saying what is
missing; otherwise quote the best unit (one per article for "which articles …" questions) with its short answer.
The weights and thresholds come from bench/train_answer.py, in data/answer_model.json.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator, Mapping, Sequence

import numpy as np

from rag.answering.act_lists import act_list_row
from rag.answering.agents import agent_row
from rag.answering.aspects import aspect_row
from rag.answering.asks import ASKS, asks
from rag.answering.asked_twice import ask_unit, one_passage
from rag.answering.compose import Chosen, compose
from rag.answering.english import english_terms, named_words, spelt_first, unmet_english
from rag.answering.model import AnswerModel, Ranked, answer_model, rank_pool
from rag.answering.multi import asked_article, holds_filler, named_articles, pair_row, per_article, region_articles, spreads, venue_row
from rag.answering.organisers import organiser_row
from rag.answering.periods import asked_period, meeting_first
from rag.answering.pointed import pointed_answer
from rag.answering.pool import PoolArticle, article_order
from rag.answering.prepare import MULTI_ARTICLES, articles_to_read, prepare, with_previous
from rag.answering.qfeatures import SLOT_FILLERS
from rag.answering.forms import form_answer
from rag.answering.follow_ups import bare_ask, event_rows, names_a_person, points_back
from rag.answering.holder import holder_row
from rag.answering.question import Question, analyze, clean_question, unanswerable, written_question
from rag.answering.said import asks_said, named_persons, said_rows, speech_verbs
from rag.answering.speakers import asks_speakers, speaker_rows
from rag.answering.slips import place_slips, slip_note, unwritten_places
from rag.answering.titled import with_title
from rag.answering.units import article_units
from rag.answering.refusal import MISSING_EN, MISSING_ZH, answerability, missing_slot, too_little_of_it
from rag.answering.short import role_shorts, short_answer
from rag.answering.slot_check import filler_row, slot_refusal, unfilled
from rag.config import Config
from rag.contracts import Answerer, Corpus
from rag.ingest.articles import Article
from rag.lang.display import to_script
from rag.lang.script import normalize
from rag.lang.words import idf, tokens
from rag.records import Answer, AskRequest, Hit

MULTI_CHUNKS = 40  # "which articles …" questions look wider
ANSWER_BUDGET = 200  # a second unit joins only while the answer stays within this many characters
THIRD_MARGIN: float | None = 0.75  # a third unit joins within this (length-adjusted) score of the best: bench/answer_misses.py


def adjusted_scores(ranked: Ranked, model: AnswerModel, q: Question) -> np.ndarray:
    """Scores lowered by the fitted length penalty per 100 characters: short evidence wins near-ties. A list
    asked for is answered with the whole run, however long: no penalty then."""
    if q.enum:
        return ranked.scores
    chars = np.array([ranked.unit_of(r).chars for r in range(len(ranked.scores))], dtype=np.float32)
    return ranked.scores - model.info.get("length_penalty", 0.0) * chars / 100.0


def select(ranked: Ranked, model: AnswerModel, q: Question, adjusted: np.ndarray | None = None) -> list[int]:
    """The best unit's row by length-adjusted score, and a second non-overlapping unit of its article when it
    scores within the fitted margin and both fit ANSWER_BUDGET characters; with a second, a third the same way
    when it scores within THIRD_MARGIN of the best (a near-tie: the ranker cannot tell which of them answers).
    `adjusted`: adjusted_scores(ranked, model, q) when the caller has them already."""
    adjusted = adjusted_scores(ranked, model, q) if adjusted is None else adjusted
    order = np.argsort(-adjusted, kind="stable")
    best = int(order[0])
    margin = model.info.get("second_margin")
    chosen = [best]
    if margin is None:
        return chosen
    third = model.info.get("third_margin", THIRD_MARGIN)
    for row in order[1:8]:
        other = ranked.unit_of(int(row))
        units = [ranked.unit_of(r) for r in chosen]
        if (ranked.owner[row] != ranked.owner[best] or any(other.overlaps(u) for u in units)
                or sum(u.chars for u in units) + other.chars > ANSWER_BUDGET):
            continue
        if adjusted[row] < adjusted[best] - (margin if len(chosen) == 1 else third):
            break
        chosen.append(int(row))
        if len(chosen) == 3 or third is None:
            break
    return sorted(chosen, key=lambda r: ranked.unit_of(r).spans[0])


def with_unit(ranked: Ranked, rows: Sequence[int], extra: int) -> list[int]:
    """`extra` (a unit that holds the asked slot) with as many of the chosen `rows`, best first, as fit
    ANSWER_BUDGET characters beside it without overlapping it; in the article's order."""
    out = [extra]
    unit = ranked.unit_of(extra)
    chars = unit.chars
    for r in sorted(rows, key=lambda r: -ranked.scores[r]):
        other = ranked.unit_of(int(r))
        if ranked.owner[r] == ranked.owner[extra] and not other.overlaps(unit) and chars + other.chars <= ANSWER_BUDGET:
            out.append(int(r))
            chars += other.chars
    return sorted(out, key=lambda r: ranked.unit_of(r).spans[0])


NAMES_LIST = 2  # people a unit must name to answer "which people did X" (哪几个人做的表态发言)


def acting_names_row(q: Question, ranked: Ranked, rows: Sequence[int], adjusted: np.ndarray, top: int = 5) -> int | None:
    """A list of people asked for by what they did (哪几个人做的表态发言, 哪些人发了言): when no chosen unit names
    the asked action (the question's verbs), the best of the chosen article's `top` units that names it with
    NAMES_LIST or more people answers instead (a speech's 一要…二要… list by one speaker names neither)."""
    if not (q.enum and q.atype == "person" and q.predicates and len(rows)):
        return None

    def norm_text(r: int) -> str:
        pa = ranked.article_of(r)
        return "\n".join(pa.units.norm[p - 1][a:b] for p, a, b in ranked.unit_of(r).spans)

    def acts(r: int) -> bool:
        return all(v in norm_text(r) for v in q.predicates)

    if any(acts(int(r)) for r in rows):
        return None
    owner = ranked.owner[rows[0]]
    same = [int(r) for r in np.argsort(-adjusted, kind="stable") if ranked.owner[r] == owner][:top]
    for r in same:
        if acts(r) and len(ranked.article_of(r).slots.within("person", ranked.unit_of(r))) >= NAMES_LIST:
            return r
    return None


def acting_only(q: Question, ranked: Ranked, rows: Sequence[int]) -> list[int]:
    """Of the units chosen for who did an act (循环书屋计划是谁来介绍的), those that say it (…印象城负责人分别介绍了…
    循环书屋计划…) or name a person, when one of them says it: a unit that does neither (…开展循环书屋计划…) tells
    nothing of who did it."""
    norm = normalize(q.text)
    if (q.atype != "person" or not q.predicates or len(rows) < 2 or "谁的" in norm or "whose" in norm.lower()
            or len(asks(written_question(q.text))) > 1):
        return list(rows)  # (whose interest: not who acted; what it is, and who introduced it: the first ask's unit stays)

    def norm_text(r: int) -> str:
        pa = ranked.article_of(r)
        return "\n".join(pa.units.norm[p - 1][a:b] for p, a, b in ranked.unit_of(r).spans)

    def says(r: int) -> bool:
        return all(v in norm_text(r) for v in q.predicates)

    def named_there(r: int) -> bool:
        """The unit saying the act names who did it (…武汉印象城负责人分别介绍了…): not by a pronoun (此前，…裁定，他…)
        nor opening with the act, its subject in the sentence before (要求各小区物业…)."""
        text = norm_text(r)
        at = min(text.find(v) for v in q.predicates if v in text)  # (it says them all: says)
        return len(text[:at].strip(" ，,。；;：:…“”\"")) >= 2 and not _PRONOUN.search(text)

    naming = [r for r in rows if says(int(r)) and named_there(int(r))]
    if not naming:
        return list(rows)
    return [r for r in rows if says(int(r)) or holds_filler(q, ranked, int(r))]


_PRONOUN = re.compile(r"[他她它其]|该(?:人|男子|女子|名)")


def with_speakers(chosen: Sequence[Chosen]) -> list[Chosen]:
    """The chosen units, a quotation's last sentence followed by the line naming its speaker (…探索。”郭健说。),
    which is never a unit alone (rag.answering.units: `speakers`)."""
    out: list[Chosen] = []
    for i, c in enumerate(chosen):
        out.append(c)
        line = c.article.units.speaker_after(c.unit)
        if line is not None and not any(o.article is c.article and o.unit.overlaps(line) for o in chosen):
            out.append(Chosen(c.article, line))
    return out


def ask_rows(q: Question, ranked: Ranked, rows: Sequence[int], model: AnswerModel) -> list[int]:
    """Of a question that asks more than once (…是几号？黄俊德他们调研了多少家企业？; "Who pledged …, and at whose
    request?"; 那…的比武呢，哪天办的，谁讲的话？), the units of the chosen article that answer its other asks (the
    last, and any of another kind than the question's): each ask ranked on its own (the question's other words
    at the follow-up share), its best unit of that article joins if it holds a filler of the kind that ask asks
    for, says a word of that ask, and no unit chosen so far holds such a filler."""
    found = asks(written_question(q.text)) if len(rows) else []
    pa, owner = (ranked.article_of(rows[0]), int(ranked.owner[rows[0]])) if len(rows) else (None, -1)
    chosen, out = list(rows), []
    for i, text in enumerate(found):
        asked = analyze(text)
        if i < len(found) - 1 and asked.atype == q.atype:
            continue
        if q.script == "en":
            asked = english_terms(asked, [pa.units.text])
        own = [t for t, _ in asked.terms]
        asked = with_previous(asked, q)
        # a last ask of no slot kind (拿第一名的可以干嘛: what the winner may do) joins with its best unit that says
        # all its words (第一名), there being no filler to look for
        said = [t for t in own if len(t) >= 2 and not ASKS.search(t)] if i == len(found) - 1 else []
        if asked.atype not in SLOT_FILLERS and said:
            mine = rank_pool(asked, [pa], model)
            scores = adjusted_scores(mine, model, asked)
            saying = [r for r in range(len(scores)) if all(t in normalize(mine.unit_of(r).text) for t in said)]
            best = max(saying, key=lambda r: scores[r]) if saying else None
        elif asked.atype not in SLOT_FILLERS or not own:
            continue
        else:
            mine = rank_pool(asked, [pa], model)
            best = ask_unit(asked, mine, adjusted_scores(mine, model, asked), own)  # rag.answering.asked_twice
        if best is None:
            continue
        unit = mine.unit_of(best)
        if any(holds_filler(asked, ranked, r) for r in chosen) or any(ranked.unit_of(r).overlaps(unit) for r in chosen):
            continue
        row = next((r for r in range(len(ranked.scores)) if int(ranked.owner[r]) == owner and ranked.unit_of(r) is unit), None)
        if row is not None:
            chosen.append(row)
            out.append(row)
    return out


def named_pool(q: Question, pool: Sequence[PoolArticle]) -> list[PoolArticle]:
    """An English question about one article that names its place in pinyin (Where was the Qingshan meeting
    held?) reads only the articles that hold every name it spells, when some of the read ones do not: the
    other article's meeting, chaired too, is not the one asked about (bench/fresh8_qa.jsonl y26)."""
    words = named_words(q, [pa.units.text for pa in pool])
    holding = [pa for pa in pool if words and all(w in pa.units.text for w in words)]
    return holding if holding else list(pool)


def closest_articles(hits: Sequence[Hit], articles: Mapping[str, Article], n: int = 3) -> list[dict]:
    """The first `n` distinct retrieved articles, as a refusal lists them."""
    closest = []
    for aid in dict.fromkeys(h.chunk.article_id for h in hits):
        if aid in articles:
            closest.append({"article_id": aid, "title": articles[aid].title})
        if len(closest) == n:
            break
    return closest


def refusal(q: Question, hits: Sequence[Hit], articles: Mapping[str, Article], note: str | None = None,
            missing: str | None = None, slot: str | None = None, about: Article | None = None) -> Answer:
    """The refusal, naming what is missing when known and the closest articles."""
    closest = closest_articles(hits, articles)
    titles = [c["title"] for c in closest]
    if q.script == "en":
        if missing:
            text = f"The articles do not mention {missing}."
        elif slot and about is not None:
            text = f"“{about.title}” is about this but does not give {MISSING_EN[slot]}."
        else:
            text = "The articles do not answer this question."
        if titles:
            text += " Closest: " + "; ".join(f"“{t}”" for t in titles) + "."
        return Answer(q.text, text, True, [], closest=closest, note=note)
    if slot and about is not None:
        text = f"《{about.title}》谈到了这件事，但没有提到{MISSING_ZH[slot]}。"
    else:
        text = "这些文章没有提供这个问题的答案。"
    if titles:
        text += "最接近的文章：" + "、".join(f"《{t}》" for t in titles) + "。"
    return Answer(q.text, to_script(text, q.script), True, [], closest=closest, note=note)


class ExtractiveAnswerer(Answerer):
    """Answers made of the articles' own words: the default, and every model's fallback."""

    backend = "extractive"

    def __init__(self, config: Config, model: AnswerModel | None = None):
        self.config = config
        self.model = model

    def stream(self, request: AskRequest, corpus: Corpus) -> Iterator[str | Answer]:
        # which came first, yes/no checks and two asks go through the plainer questions (rag.answering.forms)
        yield unanswerable(request.question) or form_answer(request, lambda plain: self._answer(plain, corpus))

    def _answer(self, request: AskRequest, corpus: Corpus, found: Sequence[Hit] | None = None) -> Answer:
        """The answer to `request`. `found`: hits already searched for, best first (_read_as: the wider search of the
        question as asked, its mistyped place names since read as the articles write them), read instead of
        searching again, and no slip is looked for again."""
        model = self.model or answer_model()
        question, articles = clean_question(request.question), corpus.articles
        pointed = None if request.focus else pointed_answer(question, articles)
        if pointed is not None:  # 湖北那篇讲了什么: the overview line of each article pointed at (rag.answering.pointed)
            return pointed
        asked = analyze(question)
        multi = asked.multi
        focus = [a for a in dict.fromkeys(request.focus) if a in articles]
        k = max(1, request.k or self.config.k)
        wide = multi or (spreads(question) and not focus)
        n = max(k, MULTI_CHUNKS) if wide else k
        hits = list(found[:n]) if found is not None else self._search(corpus, question, n, focus, articles)
        read = self._read_as(request, corpus, question, hits) if found is None else None
        if read is not None:  # a place name mistyped (小见镇): answered as the place the articles name
            return read
        named = [] if multi or not wide else self._named(asked, hits, articles)
        one = None  # an ask singling out one article by a name (When did Qingdao …, and who …?): read first
        if named:
            multi = True  # names that each only one article holds, compared: a question across those articles
        elif wide and not multi:
            one = asked_article(asked, self._texts(hits, articles))
            hits = list(found[:k]) if found is not None else self._search(corpus, question, k, focus, articles)
        to_read = named or articles_to_read(hits, focus, multi, model.read_articles)
        if multi and not (named or focus):  # 哪几篇报道是四川的: the articles naming its cities (绵阳) are read too
            of_region = region_articles(asked, lambda text: [h.chunk.article_id for h in self._search(
                corpus, text, MULTI_CHUNKS, focus, articles)], lambda aid: article_units(articles[aid]).text)
            to_read = [*to_read, *[a for a in of_region if a not in to_read][:MULTI_ARTICLES]]
        period = asked_period(asked) if multi and not (named or focus) else None
        if period is not None:  # 哪几篇的活动是2023年办的: the articles whose event meets it (rag.answering.periods)
            to_read = meeting_first(period, to_read, articles, MULTI_ARTICLES) or to_read
        if one is not None:
            to_read = [one, *(a for a in to_read if a != one)][:max(1, len(to_read))]
        elif asked.script == "en" and not (multi or focus):  # the article spelling its pinyin names (Jinjiang: 锦江)
            to_read = spelt_first(asked, to_read, self._texts(hits, articles))
        q, pool = prepare(question, hits, articles, to_read, request.previous)
        if named:
            q = replace(q, multi=True, enum=False)
        referent = self._referent(request)
        if referent:  # 他是什么职务？ after 谁念的决定？: the person that answer named is who the question is about
            top = max([w for _, w in q.terms] + [idf()[1]])
            q = replace(q, terms=tuple({**dict(q.terms), **{w: top for w in referent}}.items()))
        if q.script == "en" and not (q.multi or focus):
            pool = named_pool(q, pool)
        if not pool:
            return refusal(q, hits, articles, note="nothing retrieved")
        if q.script == "en" and not (focus and bare_ask(request.question)):  # when? after a Chinese question
            unmet = unmet_english(q, [pa.units.text for pa in pool], request.previous)
            if unmet is not None:
                return refusal(q, hits, articles, note="the articles never mention " + (unmet or "any word of the question"),
                               missing=unmet or None)
        ranked = rank_pool(q, pool, model)
        if not len(ranked.scores):
            return refusal(q, hits, articles, note="nothing to quote")
        extra = speaking = agent = held = None
        adjusted = adjusted_scores(ranked, model, q)
        if q.multi:
            rows = per_article(q, ranked, model, adjusted, MULTI_ARTICLES, named=bool(named))
            if not rows:
                return refusal(q, hits, articles, note="no article answers it")
        else:
            p = answerability(q, ranked, model)
            slot = missing_slot(q, ranked)
            # a follow-up stays on the article its conversation is about: refused only when that article
            # holds nothing of the kind asked for (the answerability model judges questions on their own)
            follow_up = bool(request.focus and request.previous)
            low, thin = p < model.threshold, too_little_of_it(q, ranked, model)
            if ((low or thin) and not follow_up) or (follow_up and slot):
                best = ranked.article_of(int(ranked.order()[0])).article
                # the note names the check that refused (a follow-up is refused by the slot alone)
                note = (f"follow-up: its article holds no {slot}" if follow_up
                        else f"answerability {p:.2f} < {model.threshold:.2f}" if low
                        else f"the best article holds under {model.min_article_coverage:.2f} of the question's words")
                return refusal(q, hits, articles, note=note, slot=slot, about=best)
            rows = one_passage(q, ranked, select(ranked, model, q, adjusted), adjusted)  # asked twice: one passage
            if rows:  # what a thing is called, what comes next, in which aspects (titled, aspects)
                first = aspect_row(q, ranked, with_title(q, ranked, rows[0], adjusted), adjusted)
                first = pair_row(q, ranked, first, adjusted)  # 哪两个镇: the unit naming the two (青义镇、石马镇)
                rows = rows if first == rows[0] else [first]
            held = holder_row(q, ranked, rows, adjusted)  # the title's holder at the asked place (rag.answering.holder)
            if held is not None:
                rows = [held[0]]
            acting = acting_names_row(q, ranked, rows, adjusted)
            if acting is not None:
                rows = [acting]
            venue = venue_row(q, ranked, rows, adjusted)  # where it was held: the unit saying so (rag.answering.multi)
            if venue is not None:
                rows = [venue]
            hosts = organiser_row(q, ranked, rows, adjusted)  # who put the event on (rag.answering.organisers)
            if hosts is not None:
                rows = [hosts]
            listed = act_list_row(q, ranked, rows, adjusted)  # the acts listed (签署…项目、…签署…项目) for 签约了哪几个项目
            if listed is not None:
                rows = [listed]
            speaking = speaker_rows(ranked, rows) if asks_speakers(question) else None
            if speaking:  # every speaker of the event, one unit each (rag.answering.speakers): nothing added
                rows = speaking[0]
            # the unit that holds the asked slot: a runner-up or neighbour of the chosen unit that gives the
            # university, the date, the number the chosen one lacks is quoted with or instead of it
            extra = None if speaking else filler_row(q, ranked, rows, adjusted)
            if extra is not None:
                rows = with_unit(ranked, rows, extra)
            rows = acting_only(q, ranked, rows)  # who did it: not a unit saying neither the act nor a person
            if q.atype != "speaker" and not speaking:  # what someone said: their words, not only who spoke (rag.answering.said)
                said = asks_said(question, request.previous)  # whose words: read only for such a question
                rows = said_rows(ranked, rows, said, (referent or named_persons(q, ranked)) if said else (), speech_verbs(q))
            agent = None if speaking else agent_row(q, question, ranked, rows, adjusted)
            if agent is not None:  # who asked him to (受…委托): the frame's unit, the agent named (rag.answering.agents)
                rows, extra = [agent[0]], None
            more = [] if speaking else ask_rows(q, ranked, rows, model)
            if more:  # each ask's unit, then one passage around the first ask's (rag.answering.asked_twice)
                rows = one_passage(q, ranked, [*rows, *more], adjusted)
            if referent and q.atype == "title":  # her job title: the units naming her (她是什么职务？ What's her post?)
                rows = [r for r in rows if any(w in ranked.unit_of(r).text for w in referent)] or rows
            if referent and bare_ask(request.question):  # where? after 多少人参加: the unit telling of that event
                rows = event_rows(q, ranked, rows, referent)
            # the typed slot check: an article that names the topic but gives no filler of the asked-for
            # slot (the university, the winner, the population) is no answer (rag.answering.slot_check)
            asked = None if speaking else unfilled(q, ranked, rows)  # the speakers found speak
            if asked is not None:
                return slot_refusal(q, ranked, rows, asked, closest_articles(hits, articles))
        shorts = {r: short_answer(q, ranked.article_of(r), ranked.unit_of(r)) for r in rows}
        if extra is not None and shorts.get(extra):  # the short answer is the slot filler the unit was added for
            shorts = {r: s if r == extra else None for r, s in shorts.items()}
        elif speaking:  # the speakers named, in the article's order
            shorts = {r: "、".join(speaking[1]) if r == rows[0] else None for r in rows}
        elif not q.multi:  # several units of an article: the filler of the asked role
            shorts = dict(zip(rows, role_shorts(q, [(ranked.article_of(r), ranked.unit_of(r), shorts[r]) for r in rows])))
        if agent is not None and agent[0] in shorts:  # asked besides who acted (Who pledged…, and at whose request?): both
            acted = shorts[agent[0]] if len(asks(written_question(q.text))) > 1 else None
            shorts[agent[0]] = f"{acted}、{agent[1]}" if acted and acted != agent[1] else agent[1]
        if held is not None:  # the holder named after the title is the short answer (of the unit naming them)
            shorts.update({r: held[1] for r in rows[:1] if normalize(held[1]) in normalize(ranked.unit_of(r).text)})
        chosen = [Chosen(ranked.article_of(r), ranked.unit_of(r), shorts[r]) for r in rows]
        if speaking:  # the speakers are names however asked (List the speakers…): in pinyin for an English reader
            q = replace(q, atype="speaker") if q.atype != "person" else q
        return compose(q, with_speakers(chosen), q.script)

    def _read_as(self, request: AskRequest, corpus: Corpus, question: str, hits: Sequence[Hit]) -> Answer | None:
        """The answer to the question with its mistyped place names read as the ones the retrieved articles write
        (rag.answering.slips), its note saying so (读作 小枧镇); None when it has none."""
        norm = normalize(question)
        if len(norm) != len(question):
            return None

        def texts(found: Sequence[Hit]) -> list[str]:
            return [article_units(corpus.articles[aid]).text for aid in dict.fromkeys(h.chunk.article_id for h in found)]

        if not unwritten_places(norm, texts(hits)):
            return None
        # the slip keeps the article from the top hits (小见镇 finds 渠岸镇's 党委书记): look wider
        wider = self._search(corpus, question, MULTI_CHUNKS, request.focus, corpus.articles)
        slips = place_slips(norm, texts(wider))
        if not slips:
            return None
        fixed = question
        for asked, written in slips:
            i = norm.find(asked)
            fixed = fixed[:i] + written + fixed[i + len(asked):]
        answer = self._answer(replace(request, question=fixed), corpus, found=wider)
        read = dict.fromkeys(h.chunk.article_id for h in wider)
        paragraphs = [(n, p) for aid in read for n, p in zip(article_units(corpus.articles[aid]).norm,
                                                             corpus.articles[aid].paragraphs)]
        said = slip_note(slips, analyze(question).script, paragraphs)
        return replace(answer, question=request.question, note=" · ".join(x for x in (said, answer.note) if x))

    @staticmethod
    def _referent(request: AskRequest) -> tuple[str, ...]:
        """The words a follow-up's pronoun stands for, from the short answer the conversation kept of the
        question before it: the person for 他/她 after a who-question; the thing named for 这/那/this (这是谁
        总结的？ after 创新实施了什么机制？)."""
        before = request.previous_answer
        if not (before and before.short and request.focus):
            return ()
        short = normalize(before.short)
        if names_a_person(request.question):
            return (short,) if analyze(before.message).atype in ("person", "speaker") else ()
        if points_back(request.question) or bare_ask(request.question):  # where? after 多少人参加: that event's
            return tuple(dict.fromkeys(t for t in tokens(short) if len(t) >= 2 or t.isdigit()))
        return ()

    @staticmethod
    def _search(corpus: Corpus, question: str, k: int, focus: Sequence[str], articles: Mapping[str, Article]) -> list[Hit]:
        return [h for h in corpus.retriever.search(question, k=k, article_ids=focus or None) if h.chunk.article_id in articles]

    @staticmethod
    def _named(asked: Question, hits: Sequence[Hit], articles: Mapping[str, Article]) -> list[str]:
        """The articles a comparing or distributive question singles out by names (rag.answering.multi)."""
        return named_articles(asked, ExtractiveAnswerer._texts(hits, articles), idf()[1])

    @staticmethod
    def _texts(hits: Sequence[Hit], articles: Mapping[str, Article]) -> dict[str, str]:
        """The search form of the MULTI_ARTICLES best retrieved articles, by id."""
        return {aid: normalize("\n".join([articles[aid].title, *articles[aid].paragraphs]))
                for aid in article_order(hits)[:MULTI_ARTICLES]}
