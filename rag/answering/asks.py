"""The asks of a question that asks more than once (…是几号？黄俊德他们调研了多少家企业？; "Where was it held, and
who chaired it?"): where each begins. The answerer gives every ask of another kind its own unit
(rag.answering.extractive.ask_rows), and an ask that singles out its own article makes a question across
articles (rag.answering.multi.named_articles)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from rag.lang.script import normalize
from rag.records import Answer

# Two asks in one question ("What project did they launch, and whose representative introduced it?"; 开展了什么
#计划，由谁介绍的？): where the second begins, when the first asks too
SECOND_ASK = re.compile(r",\s*and\s+(?=(?:who|whom|whose|what|which|where|when|how|why)\b)|"
                        r"[，,;；]\s*(?:又|还|并且|以及|而)?(?=[^，,。；;]*(?:谁|什么|哪|多少|几))|"
                        # 谁致辞、谁主持: an enumeration comma right before the next ask word
                        r"、(?=谁|什么|哪|多少|几)", re.I)
# (and the spoken ones: 拿第一名的可以干嘛, 能干啥, 后来怎么样了, 如何评选, 为何)
ASKS = re.compile(r"\b(?:who|whom|whose|what|which|where|when|how|why)\b|谁|什么|哪|多少|几|干嘛|啥|怎么|怎样|如何|为何", re.I)


# Where a last ask may begin: as the first of two asks begins (SECOND_ASK), after a question mark (是几号？黄俊德
# 他们调研了多少家企业？), at "and (at) whose/which/who …" without a comma
LAST_ASK = re.compile(SECOND_ASK.pattern + r"|[?？]\s*(?=\S)|,?\s+and\s+(?:(?:at|by|for|from|in|on|to|with)\s+)?"
                      r"(?=(?:who|whom|whose|what|which|where|when|how|why)\b)", re.I)


def asks(norm: str) -> list[str]:
    """The asks of a question (search form) that asks more than once (…是几号？黄俊德他们调研了多少家企业？; "Where
    was it held, and who chaired it?"; 那…的比武呢，哪天办的，谁讲的话？), in order, each with the words before it
    that ask nothing (那…的比武呢，哪天办的); empty when it asks once."""
    out: list[str] = []
    start, pending = 0, ""
    cuts = [(m.start(), m.end()) for m in LAST_ASK.finditer(norm)] + [(len(norm), len(norm))]
    for a, b in cuts:
        piece = pending + norm[start:a]
        if ASKS.search(piece):
            out.append(piece.strip(" ,，;；"))
            pending = ""
        else:
            pending = piece + norm[a:b]
        start = b
    if pending.strip() and out:
        out[-1] += pending
    return out if len(out) >= 2 else []


def second_ask(norm: str) -> str | None:
    """The last ask of a question (search form) that asks more than once, else None."""
    found = asks(norm)
    return found[-1] if found else None


# a lead-in that names what the question turns to and asks nothing yet ("What about the Qingdao office? When …")
LEAD_IN = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\b", re.I)


def ask_spans(twin: str) -> list[tuple[int, int]]:
    """Where each ask of a question that asks more than once begins and ends in `twin` (the question's search twin,
    rag.lang.script.search_twin: the same spans of the question as written), as `asks` cuts them, the words that
    ask nothing kept with the ask after them; empty when it asks once."""
    out: list[tuple[int, int]] = []
    begin = 0
    for a, b in [(m.start(), m.end()) for m in LAST_ASK.finditer(twin)] + [(len(twin), len(twin))]:
        if ASKS.search(twin[begin:a]) and not LEAD_IN.match(twin[begin:a]):
            out.append((begin, a))
            begin = b
    if out and begin < len(twin) and twin[begin:].strip(" ,，;；?？。.!！"):
        out[-1] = (out[-1][0], len(twin))
    return out if len(out) >= 2 else []


def _covered(part: Answer, whole: Answer) -> bool:
    """Whether the answer `whole` already answers this ask: it says the ask's short answer (the filler of the kind
    the ask asks for), or the ask's answer is a passage (no filler to miss) that quotes nothing `whole` does not."""
    if part.short:
        return normalize(part.short) in normalize(whole.answer)
    return all(any(c.article_id == w.article_id and c.paragraph == w.paragraph and c.start < w.end and w.start < c.end
                   for w in whole.citations) for c in part.citations)


def _renumbered(text: str, offset: int) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", text) if offset else text


def in_turn(whole: Answer, parts: Sequence[Answer]) -> Answer:
    """A question that asks more than once answered ask by ask (issue #15: 组长是谁？下面一共设了几个工作专班？;
    "Who chaired …, and who read out …?"), one cited line each, in the question's order, when the answer to the
    whole question misses an ask another ask's answer gives, or refuses while an ask is answered (a refusal of one
    ask does not sink the other: its line says what is missing). Otherwise the whole question's answer."""
    # the first ask names what the later ones ask about (…那个联席会是谁主持的，在哪开的？): refused, so is the question;
    # answered as a passage (no filler to check) or as the whole question's answer says it, that answer stands (its own rules join the
    # later asks' units: rag.answering.asked_twice), as it does when it reads more than one article
    if not parts or parts[0].refused or len(whole.article_ids) > 1 or len({a for p in parts for a in p.article_ids}) > 1 or (
            not whole.refused and (not parts[0].short or _covered(parts[0], whole))):
        return whole
    # an ask whose answer another ask's (as long or longer) says whole is said once: …王刚任组长…并下设…13个工作专班
    parts = [p for i, p in enumerate(parts) if p.refused or not any(
        j != i and not o.refused and _covered(p, o) and (len(o.answer), -j) > (len(p.answer), -i) for j, o in enumerate(parts))]
    return joined(whole, parts, "asked in turn")


def joined(base: Answer, parts: Sequence[Answer], note: str, head: str = "") -> Answer:
    """`base` answered by the lines of `parts` in turn (after a `head` line when given), their citations numbered on;
    a refused part's line says what is missing, without the closest articles; an English article's credits said once."""
    lines, raw, citations, heads = ([head], [head], [], set()) if head else ([], [], [], set())
    for part in parts:
        if part.refused:  # what the articles do not give, without the closest articles (the answered ask cites them)
            line = re.split(r"(?<=[。.])\s*(?:最接近的文章|Closest:)", part.answer)[0]
            lines.append(line)
            raw.append(line)
            continue
        offset = len(citations)
        citations += [replace(c, n=c.n + offset) for c in part.citations]
        shown, original = part.answer.split("\n"), (part.original or part.answer).split("\n")
        if shown[0].startswith("From ") and shown[0] in heads:  # the same article's credits said once
            shown, original = shown[1:], original[1:]
        heads.update(s for s in shown[:1] if s.startswith("From "))
        lines += [_renumbered(s, offset) for s in shown]
        raw += [_renumbered(s, offset) for s in original]
    text, original = "\n".join(lines), "\n".join(raw)
    return replace(base, answer=text, refused=False, citations=citations, original=original if original != text else None,
                   closest=[], short=None, note=note)
