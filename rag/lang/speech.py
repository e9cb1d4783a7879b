"""Speech verbs (说, 表示, 强调 …), one language data file for every rule that needs them: data/speech_verbs.tsv,
each verb with the roles it plays (a unit cue, after a speaker's name, asked, a spoken act …)."""

from __future__ import annotations

import re

from rag.lang.wordlists import alternation, read_word_lists

_SLOT = re.compile(r"\{speech:(\w+)\}")


def speech_verbs(role: str) -> tuple[str, ...]:
    """The verbs that play `role` (data/speech_verbs.tsv), in file order; an unknown role is an error."""
    lists = read_word_lists("rag.lang", "data/speech_verbs.tsv")
    if role not in lists:
        raise KeyError(f"data/speech_verbs.tsv: no verb plays the role {role!r}")
    return lists[role]


def with_speech_verbs(pattern: str) -> str:
    """A data file's regular expression with each `{speech:ROLE}` replaced by the role's verbs as a bare
    alternation, longest first (write the group around it: `({speech:asked})了?什么`)."""
    return _SLOT.sub(lambda m: alternation(speech_verbs(m.group(1))), pattern)
