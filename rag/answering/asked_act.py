"""The act a question asks about, where the question's words alone mislead (brief A11, issue #15):

- a lead-in clause names the event and the asking clause the act asked of it (绵阳石马镇跟小枧镇结对共建，签共建合作
  协议的是哪两个人？): the asking clause's verbs are the predicates (签, not 结对: `asked_predicates`);
- a rare dictionary word of a verb and its object (主持会议, 宣读文件) is the verb and the noun, as an article writes
  them apart (会议由…主持: `compound_split`), the verb the focus (`verb_focus`);
- the word closing a when/who ask is the act asked (协议什么时候到期 → 到期), even one jieba tags as no verb
  (`closing_verb`).

rag.answering.question reads a question with these; they read only words and jieba's dictionary."""

from __future__ import annotations

import re
from typing import Sequence

from rag.lang.script import has_han
from rag.lang.words import stop_words, tokens

# Verbs that carry no event of their own: never the asked-for predicate.
LIGHT_VERBS = frozenset("是 有 为 在 要 会 能 将 让 使 被 把 给 叫 做 进行 开展 成为 作为 属于 包括 达到 实现 获得 表示 说 称 提到 提出 "
                        "讲 讲到 提及 涉及 举办 举行".split())
_WH = stop_words("wh")
_QUESTION_WORDS = stop_words("question")
_CLAUSE_CUT = re.compile(r"[，,；;：:。！!]")


def lead_in(norm: str) -> str:
    """The clauses of a question (search form) before its first clause holding a question word, when one follows
    them (绵阳石马镇跟小枧镇结对共建，签共建合作协议的是哪两个人？ → 绵阳石马镇跟小枧镇结对共建): they name the event,
    the asking clause says what of it is asked. Empty when the first clause asks."""
    clauses = [c for c in _CLAUSE_CUT.split(norm) if c.strip()]
    for i, c in enumerate(clauses):
        if any(t in _WH for t in tokens(c)):
            return "，".join(clauses[:i])
    return ""


def asked_predicates(norm: str, predicates: Sequence[str]) -> list[str]:
    """The question's verbs that its asking clause says (签, 共建 of …，签共建合作协议的是哪两个人), when it says
    any: a lead-in's verbs (结对) name the event the ask is about, not the act asked for, which the lead-in's
    topic words would otherwise outweigh (the speech on 结对互助…合作共建 quoted for who signed)."""
    # 谁来介绍, 谁去签: 来/去 before the act asked is no act of its own
    predicates = [p for p in predicates if not (p in _SERIAL and any(p + other in norm for other in predicates))]
    lead = lead_in(norm)
    if not lead:
        return list(predicates)
    asking = norm[norm.find(lead) + len(lead):] if lead in norm else norm
    kept = [p for p in predicates if p in asking]
    return kept or list(predicates)


_SERIAL = ("来", "去")  # verbs of coming and going before the verb of the act (是谁来介绍的)


RARE_COMPOUND = 5  # a dictionary word this rare (jieba's count) of a verb and a noun is read as the two


def compound_split(tok: str) -> list[str]:
    """A rare dictionary word of a verb and its object (主持会议, 宣读文件): the verb and the noun, as an article
    writes them apart (会议由…主持); other words whole."""
    from rag.answering.postags import is_verb, tag
    from rag.lang.words import jieba_tokenizer

    freq = jieba_tokenizer().FREQ
    if len(tok) != 4 or not has_han(tok) or (freq.get(tok) or 0) > RARE_COMPOUND:
        return [tok]
    verb, noun = tok[:2], tok[2:]
    if is_verb(verb) and verb not in LIGHT_VERBS and freq.get(noun) and (tag(noun) or "n")[0] == "n":
        return [verb, noun]
    return [tok]


def asked_compounds(toks: Sequence[str]) -> list[str]:
    """The question's words with a verb-object word cut where it is the ask's verb: before 的 (主持会议的是谁) or
    after 谁 (谁宣读文件); 多少常住人口 stays a noun."""
    return [p for i, t in enumerate(toks)
            for p in (compound_split(t) if toks[i + 1 : i + 2] == ["的"] or toks[i - 1 : i] == ["谁"] else [t])]


def verb_focus(focus: tuple[str, ...], toks: Sequence[str]) -> tuple[str, ...]:
    """The focus, a verb-object word cut in the question's words `toks` (主持会议) read as its verb (主持): the act
    asked about, which an article writes apart from its object (会议由…主持)."""
    if len(focus) == 1 and focus[0] not in toks:
        verb = compound_split(focus[0])[0]
        if verb != focus[0] and verb in toks:
            return (verb,)
    return focus


_TRAILING = frozenset("的 了 呢 吗 啊 呀 吧 么".split())
# question words of time or person (not 多少/什么/哪个, which a noun follows)
_WHEN_WHO = frozenset("什么时候 何时 哪天 哪一天 几号 几时 几点 哪年 谁 由谁".split())


def closing_verb(toks: Sequence[str]) -> str | None:
    """The word that closes a question right after its question word (协议什么时候到期 → 到期, 任期何时届满 → 届满,
    合同哪天生效 → 生效): what the asked time or person did, even one jieba's tags call no verb (到期 is tagged
    an adverb) — a dictionary word of two characters or more, no noun, number or pronoun, no light verb and no
    question word."""
    from rag.answering.postags import tag
    from rag.lang.words import jieba_tokenizer

    words = [t for t in toks if has_han(t)]
    while words and words[-1] in _TRAILING:
        words.pop()
    # the question word, or the two words jieba cut it into (什么 时候, 哪 天)
    if not (len(words) >= 2 and (words[-2] in _WHEN_WHO or "".join(words[-3:-1]) in _WHEN_WHO)):
        return None
    word = words[-1]
    if not jieba_tokenizer().FREQ.get(word):
        return None  # a word jieba guessed (哪个先办的: 先办) is no verb it knows
    kind = tag(word) or ""
    if len(word) < 2 or word in LIGHT_VERBS or word in _QUESTION_WORDS or word in _WH or kind[:1] in ("n", "r", "m", "q"):
        return None
    return word
