"""The asks of a question that asks more than once (…是几号？黄俊德他们调研了多少家企业？; "Where was it held, and
who chaired it?"): where each begins. The answerer gives every ask of another kind its own unit
(rag.answering.extractive.ask_rows), and an ask that singles out its own article makes a question across
articles (rag.answering.multi.named_articles)."""

from __future__ import annotations

import re

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
