"""Outlets in credits and questions (rag.lang.outlets): aliases, groups, guards, absent outlets."""

import pytest

from rag.lang.outlets import build_index, credit_names, find_outlets, source_filter, strip_outlets

SOURCES = ["新华社", "新华网", "人民网－安徽频道", "人民日报", "大眾日報", "荊楚網", "楚天都市报极目新闻", "文/北京青年报",
           "湖北发布、湖北日报", "美国前总统特朗普海外网", "中新网", "中新社", "央视新闻客户端", "本报", "视觉中国", "潍坊日报社",
           "中国青年报客户端", None]


@pytest.fixture(scope="module")
def idx():
    return build_index(SOURCES)


def test_outlets_of_raw_credits(idx):
    assert idx.outlets_of("人民网－安徽频道") == {"人民网"}
    assert idx.outlets_of("大眾日報") == {"大众日报"}
    assert idx.outlets_of("楚天都市报极目新闻") == {"楚天都市报", "极目新闻"}
    assert idx.outlets_of("文/北京青年报") == {"北京青年报"}
    assert idx.outlets_of("湖北发布、湖北日报") == {"湖北发布", "湖北日报"}
    assert idx.outlets_of("美国前总统特朗普海外网") == {"海外网"}
    assert idx.outlets_of("中国青年报客户端") == {"中国青年报"}
    assert idx.outlets_of("潍坊日报社") == {"潍坊日报"}
    assert idx.outlets_of("本报") == frozenset() and idx.outlets_of("视觉中国") == frozenset()
    assert idx.outlets_of(None) == frozenset()


def test_credit_names():
    assert credit_names("文/北京青年报") == ["北京青年报"]
    assert credit_names("扬子晚报/紫牛新闻") == ["扬子晚报", "紫牛新闻"]
    assert credit_names("本报") == [] and credit_names("港交所") == []


@pytest.mark.parametrize("q, outlets", [
    ("大众日报怎么报道青岛的？", {"大众日报"}),
    ("大眾日報怎麼報道青島的？", {"大众日报"}),
    ("人民网报道了什么", {"人民网"}),
    ("人民日报报道了什么", {"人民日报"}),  # 人民日报 and 人民网 stay apart
    ("新华社报道了什么", {"新华社", "新华网"}),  # 新华社 and 新华网 go together
    ("新华网的报道", {"新华社", "新华网"}),
    ("据中新社报道", {"中新社", "中新网"}),
    ("荆楚网报道了什么", {"荆楚网"}),
    ("央视报道的暴雨", {"央视新闻", "央视网", "央视财经", "总台", "央视军事"}),
    ("What did Xinhua report about the typhoon?", {"新华社", "新华网"}),
    ("People's Daily Online on floods", {"人民网"}),
    ("What did People's Daily say?", {"人民日报"}),
    ("CCTV News on the rain", {"央视新闻"}),
])
def test_find_outlets(idx, q, outlets):
    assert source_filter(find_outlets(q, idx)) == outlets


@pytest.mark.parametrize("q", ["新华社区党委书记是谁", "Xinhua community secretary", "国家电网报道了什么", "合作社报道",
                               "人民网络安全", "澎湃的心情"])
def test_not_outlets(idx, q):
    assert find_outlets(q, idx) == []


def test_absent_outlets_are_found_so_they_can_be_refused(idx):
    [m] = find_outlets("路透社怎么报道台风", idx)
    assert m.outlets == {"路透社"} and not m.present
    [m] = find_outlets("请问青岛晚报报道了什么", idx)
    assert m.text == "青岛晚报" and not m.present
    [m] = find_outlets("Which articles did Reuters publish last week?", idx)
    assert m.outlets == {"路透社"} and not m.present


def test_filter_and_strip(idx):
    wanted = source_filter(find_outlets("新华网报道了哪些台风消息", idx))
    assert idx.outlets_of("新华社") & wanted and not idx.outlets_of("人民网") & wanted
    assert idx.group("新華網") == {"新华社", "新华网"} and idx.group("人民网") == {"人民网"}
    assert idx.group("Xinhua") == {"新华社", "新华网"} and idx.canonical("大眾日報") == "大众日报"
    q = "据大众日报报道青岛的党建"
    assert strip_outlets(q, find_outlets(q, idx)) == "报道青岛的党建"
