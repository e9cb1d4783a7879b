"""A labelled set of supported / unsupported sentences for the verifier, built from the seed articles.

Every item is (sentence, cited paragraph, label). The sentences are made from the cleaned seeds by fixed
rules with a fixed random seed, so the set is the same on every run:

supported (label 1): the cited paragraph's own sentence, or a light rewrite of it that an abstractive
model might produce while staying faithful:
  verbatim   - the sentence as it stands
  script     - converted to the other Chinese script (Traditional <-> Simplified)
  reorder    - its comma clauses rotated (the first clause moved to the end)
  drop       - its first clause dropped (typically a "为…" purpose or a time clause), at least 2 kept
  frame      - a reporting frame added in front ("据报道，", "文章提到，", "此外，", "报道称，")
  synonym    - one word replaced by a near-synonym (举行 -> 举办, 参加 -> 参与, 提高 -> 提升, ...)
  merge      - clauses of two sentences of the same paragraph joined into one

unsupported (label 0): a sentence the cited paragraph does not back:
  other      - a sentence of another seed article
  number     - one of its numbers changed (n -> n + 1..9, or a year moved)
  entity     - a place or a person's name (jieba's tagger) replaced by one from another article
  antonym    - its main verb replaced by the opposite (举行 -> 取消, 提高 -> 降低, ...)
  fabricate  - a made-up claim about a place/organisation that the paragraph names
  splice     - its first clauses joined to the last clauses of another article's sentence
  extend     - the whole sentence plus a made-up clause ("，并计划投资20亿元新建产业园")

Items alternate between a `tune` and a `test` split within each kind (after a seeded shuffle), so the
thresholds can be chosen on one half and reported on the other.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.ingest.articles import Article, load_corpus
from rag.lang.sentences import split_sentences
from rag.lang.script import to_simplified, to_traditional

SEEDS = Path(__file__).resolve().parents[1] / "corpus"
PER_KIND = 24  # items per kind (fewer when the seeds do not offer that many)
SEED = 20240601

_CLAUSE = re.compile(r"[，,]")
_ANTONYMS = {
    "举行": "取消", "召开": "推迟", "提高": "降低", "加强": "削弱", "增加": "减少", "推动": "阻碍",
    "成功": "失败", "完成": "放弃", "开展": "暂停", "启动": "终止", "支持": "反对", "促进": "抑制",
    "签约": "解约", "参加": "缺席", "扩大": "缩小", "建立": "撤销",
}
_SYNONYMS = {
    "举行": "举办", "举办": "举行", "参加": "参与", "参与": "参加", "提高": "提升", "提升": "提高",
    "加强": "强化", "推动": "推进", "推进": "推动", "开展": "进行", "表示": "指出", "指出": "表示",
    "强调": "指出", "进一步": "更加", "不断": "持续", "深入": "深度", "召开": "举行", "全体": "所有",
    "活动": "行动", "要求": "提出", "组织": "安排", "共同": "一同",
}
_FRAMES = ("据报道，", "文章提到，", "此外，", "报道称，")
_FABRICATIONS = (
    "{e}宣布将投资5亿元新建一座国际机场。",
    "{e}的主要负责人因违反纪律已被免职。",
    "{e}决定从明年起全面取消这项活动。",
    "据统计，{e}今年已累计接待外国游客12万人次。",
    "{e}与一家德国汽车企业签署了合作协议。",
    "{e}上个月发生了一起严重的交通事故。",
)
_EXTENSIONS = ("，并计划投资20亿元新建产业园", "，会后还向每户居民发放了3000元补贴", "，此举遭到了多数村民的反对")


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    label: int  # 1 supported, 0 unsupported
    split: str  # 'tune' | 'test'
    sentence: str
    article_id: str
    paragraph: int  # the cited paragraph, numbered from 1
    source: str  # that paragraph's text
    origin: str  # where an unsupported sentence came from (another article id), else ''

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Sent:
    article_id: str
    paragraph: int
    text: str
    source: str


def seed_articles() -> list[Article]:
    return load_corpus([SEEDS]).articles


def _sentences(articles: list[Article]) -> list[_Sent]:
    """Checkable sentences: 15–150 characters, mostly Chinese."""
    out = []
    for art in articles:
        for p, para in enumerate(art.paragraphs, start=1):
            for a, b in split_sentences(para):
                text = para[a:b]
                han = len(re.findall(r"[\u4e00-\u9fff]", text))
                if 15 <= len(text) <= 150 and han >= 12:
                    out.append(_Sent(art.id, p, text, para))
    return out


def _entities(text: str, flags: tuple[str, ...]) -> list[tuple[str, str]]:
    """Named places (ns), people (nr) and organisations (nt) by jieba's part-of-speech tagger."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return list(dict.fromkeys((w.word, w.flag) for w in jieba.posseg.cut(text) if w.flag in flags and len(w.word) >= 2))


def _clauses(text: str) -> list[str]:
    body = text.rstrip("。！？!?；;")
    return [c for c in _CLAUSE.split(body) if c]


def _supported(s: _Sent, kind: str, rng: random.Random) -> str | None:
    if kind == "verbatim":
        return s.text
    if kind == "script":
        simp = to_simplified(s.text)
        return simp if simp != s.text else to_traditional(s.text)
    clauses = _clauses(s.text)
    if kind == "reorder" and len(clauses) >= 2:
        return "，".join(clauses[1:] + clauses[:1]) + "。"
    if kind == "drop" and len(clauses) >= 3:
        return "，".join(clauses[1:]) + "。"
    if kind == "frame":
        return rng.choice(_FRAMES) + s.text
    if kind == "synonym":
        simp = to_simplified(s.text)
        found = [w for w in _SYNONYMS if w in simp]
        if not found:
            return None
        w = rng.choice(found)
        return simp.replace(w, _SYNONYMS[w], 1)
    if kind == "merge":
        spans = [s.source[a:b] for a, b in split_sentences(s.source)]
        rest = [t for t in spans if t != s.text and len(_clauses(t)) >= 2]
        if not rest or len(clauses) < 2:
            return None
        return "，".join(clauses[: max(1, len(clauses) // 2)] + _clauses(rng.choice(rest))[:2]) + "。"
    return None


def _unsupported(s: _Sent, kind: str, rng: random.Random, others: list[_Sent]) -> tuple[str, str] | None:
    """(sentence, origin article) or None when the rule does not apply to this sentence."""
    other = rng.choice(others)
    if kind == "other":
        return other.text, other.article_id
    if kind == "number":
        nums = list(re.finditer(r"\d+", s.text))
        if not nums:
            return None
        m = rng.choice(nums)
        value = int(m.group())
        new = value + rng.randint(1, 9) if not 1900 <= value <= 2100 else value + rng.choice((-2, -1, 1, 2))
        return s.text[: m.start()] + str(new) + s.text[m.end():], ""
    if kind == "entity":
        simp = to_simplified(s.text)
        mine = _entities(simp, ("nr", "ns"))
        if not mine:
            return None
        word, flag = rng.choice(mine)
        theirs = sorted({w for o in others for w, f in _entities(to_simplified(o.text), (flag,))})
        theirs = [w for w in theirs if w not in to_simplified(s.source)]
        if not theirs:
            return None
        return simp.replace(word, rng.choice(theirs), 1), ""
    if kind == "antonym":
        simp = to_simplified(s.text)
        found = [w for w in _ANTONYMS if w in simp]
        if not found:
            return None
        w = rng.choice(found)
        return simp.replace(w, _ANTONYMS[w], 1), ""
    if kind == "fabricate":
        names = [w for w, _ in _entities(to_simplified(s.text), ("ns", "nt"))]
        if not names:
            return None
        return rng.choice(_FABRICATIONS).format(e=rng.choice(names)), ""
    if kind == "splice":
        mine, theirs = _clauses(s.text), _clauses(other.text)
        if len(mine) < 2 or len(theirs) < 2:
            return None
        half = max(1, len(mine) // 2)
        return "，".join(mine[:half] + theirs[len(theirs) // 2 :]) + "。", other.article_id
    if kind == "extend":
        return s.text.rstrip("。！？!?；;") + rng.choice(_EXTENSIONS) + "。", ""
    raise ValueError(kind)


SUPPORTED_KINDS = ("verbatim", "script", "reorder", "drop", "frame", "synonym", "merge")
UNSUPPORTED_KINDS = ("other", "number", "entity", "antonym", "fabricate", "splice", "extend")


def build(articles: list[Article] | None = None, per_kind: int = PER_KIND) -> list[Item]:
    """The labelled set (deterministic for given articles)."""
    sents = _sentences(articles if articles is not None else seed_articles())
    items: list[Item] = []
    for kind in SUPPORTED_KINDS + UNSUPPORTED_KINDS:
        rng = random.Random(f"{SEED}:{kind}")
        pool = sents[:]
        rng.shuffle(pool)
        made: list[Item] = []
        for s in pool:
            if len(made) >= per_kind:
                break
            if kind in SUPPORTED_KINDS:
                text, origin, label = _supported(s, kind, rng), "", 1
            else:
                others = [o for o in sents if o.article_id != s.article_id]
                got = _unsupported(s, kind, rng, others)
                text, origin = got if got else (None, "")
                label = 0
            if not text or text == s.text and label == 0:
                continue
            split = "tune" if len(made) % 2 == 0 else "test"
            made.append(Item(f"{kind}-{len(made):03d}", kind, label, split, text, s.article_id, s.paragraph, s.source, origin))
        items.extend(made)
    return items


if __name__ == "__main__":
    import json
    import sys

    for item in build():
        sys.stdout.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
