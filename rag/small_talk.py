"""Messages that are not questions about the articles: a greeting, a request for help, thanks, goodbye
(phrases in rag/lang/data/small_talk.tsv, matched on the whole message). The chat answers them itself, in the
message's script, instead of searching the articles for "hi" or "谢谢" (a newcomer's trial got a refusal for
"hi" and three unrelated quotes for "你好")."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.lang.display import to_script
from rag.lang.script import normalize, script_of
from rag.lang.wordlists import read_rows

_NOISE = re.compile(r"[\s,.!?;:'\"~～，。！？；：、…·]+")
_PARTICLE = re.compile(r"(?<=.)[啊呀呢吧哈哦嘛]+$")


@lru_cache(maxsize=1)
def _phrases() -> dict[str, str]:
    return {row[0]: row[1] for row in read_rows("rag.lang", "data/small_talk.tsv", 2, 2)}


def _key(message: str) -> str:
    return _PARTICLE.sub("", _NOISE.sub(" ", normalize(message).lower()).strip()).strip()


def small_talk(message: str) -> str | None:
    """The kind of a message that is small talk ("greeting", "help", "thanks", "ok", "bye"), or None."""
    if len(message) > 40:
        return None
    return _phrases().get(_key(message))


_OPENING = re.compile(r"^\s*([^,.!?;:，。！？；：、~～]{1,24})[,.!?;:，。！？；：、~～]+\s*(?=\S)")


def without_opening(message: str) -> str:
    """The message without a greeting or thanks it opens with (hi, who chaired …? · 谢谢！那孙宇呢？): what to
    answer. The opening must end at a punctuation mark, so 你好渠岸镇… or "hi who …" are left whole."""
    m = _OPENING.match(message)
    rest = message[m.end():] if m else ""
    if m and small_talk(m.group(1)) in ("greeting", "thanks", "ok") and re.search(r"\w", rest):
        return without_opening(rest)
    return message


def _help(count: int) -> tuple[str, str]:
    zh = (f"我只根据书架上的 {count} 篇文章回答（“Articles”标签页），每句都注明出处 [n]，点击可看原文；"
          "文章里没有的，我会直说没有。你可以：\n"
          "· 提问：谁、何时、在哪里、多少、为什么……简体、繁體、English 都可以；追问可以用“他”“这”“那……呢”\n"
          "· 要摘要：“总结第1篇”、“概括一下＋标题里的词”、“这些文章讲了什么？”；之后可说“短一点”“详细一点”\n"
          "· 跨文章：“总结一下关于……的报道”、“按时间顺序梳理……”\n"
          "· 限定范围：上方的筛选栏（日期、媒体），或在问题里写年份、月份、媒体名\n"
          "· 添加文章：“Add articles”标签页")
    en = (f"I answer only from the {count} articles on the shelf (the Articles tab), citing each statement [n] "
          "(click it to see the source), and I say so when they don't tell. You can:\n"
          "· ask who, when, where, how many, why… in English, 简体 or 繁體; follow up with “he”, “this”, “what about …”\n"
          "· ask for a summary: “summarize article 1”, “summarize the … article” (words of its title), "
          "“summarize all of them”; then “shorter” or “more detail”\n"
          "· ask across articles: “summarize the coverage of …”, “timeline of …”\n"
          "· keep to dates or outlets: the filter bar above, or a year, month or outlet in the question\n"
          "· add articles: the Add articles tab")
    return zh, en


def small_talk_reply(kind: str, message: str, count: int) -> str:
    """What the chat says back to small talk of `kind`, in the message's script; `count`: articles on the shelf."""
    help_zh, help_en = _help(count)
    zh, en = {
        "greeting": ("你好！" + help_zh, "Hello! " + help_en),
        "help": (help_zh, help_en),
        "thanks": ("不客气！还有问题可以接着问。", "You're welcome! Ask anything else about the articles."),
        "ok": ("好的。还有问题可以接着问。", "OK. Ask anything else about the articles."),
        "bye": ("再见！", "Goodbye!"),
    }[kind]
    script = script_of(message)  # (written in Simplified: converted only for Traditional, so 繁體 stays 繁體)
    return en if script == "en" else to_script(zh, script) if script == "hant" else zh
