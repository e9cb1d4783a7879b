"""What a sentence holds of the kind of answer a question asks for (a person, a number in the asked-for
measure, a date, a place): the answer-slot checks."""

from __future__ import annotations

import re

from rag.answering.question import Question
from rag.answering.candidates import norm
from rag.lang.script import HAN

_NUM = r"[0-9０-９一二两三四五六七八九十百千万亿]+(?:[.．][0-9]+)?(?:余|多)?"
# A count: digits that are not part of a date or a time, or a Chinese numeral with a measure word.
_NUMBER = re.compile(
    r"(?<![0-9０-９.．])[0-9０-９]+(?:[.．][0-9]+)?(?![0-9０-９.．]|\s*[年月日时点号:：/-])|"
    r"[一二两三四五六七八九十百千万亿]+(个|件|人|名|家|项|次|位|万|亿|元|岁|天|批|场|条|座|所|户|辆|吨)"
)
_DATE = re.compile(r"[0-9０-９一二三四五六七八九十]+(月|日|号)|[0-9０-９]{4}年|[上下]午|今年|去年|近日|当天|日前")
_TITLE_NAME = re.compile(
    r"(书记|部长|主任|镇长|主席|局长|市长|县长|区长|经理|董事长|教授|记者|委员|大使|总统|总理|发言人|院士|院长|校长|"
    r"负责人|主持人|专家|所长|队长|组长|处长|科长|厅长|省长|秘书长|总裁|首席|创始人|演员|导演|运动员)"
    r"[" + HAN + "·]{2,4}"
)
_SAYS = re.compile(r"(^|[，,。：:“”\s])[" + HAN + "]{2,3}(说|表示|介绍|指出|强调|称|认为|透露)")
_PLACE = re.compile(r"[省市县区镇乡村街道馆园厦场]|举行|举办|召开")


def _has_person(text: str) -> bool:
    """A name introduced the way news introduces people: after a title, or before 说/表示 ..."""
    return bool(_TITLE_NAME.search(text) or _SAYS.search(text))


def cue_score(q: Question, text: str) -> float:
    """How well the text holds what the question asks for, in [0, 1] (the best of its cues)."""
    text = norm(text)
    best = 0.0
    for cue in q.cues:
        if cue == "number" and _NUMBER.search(text):
            exact = q.measure is None or re.search(_NUM + re.escape(q.measure), text)
            best = max(best, 1.0 if exact else 0.5)
        elif (cue == "date" and _DATE.search(text)) or (cue == "place" and _PLACE.search(text)):
            best = max(best, 1.0)
        elif cue == "person" and _has_person(text):
            best = max(best, 1.0)
    return best


