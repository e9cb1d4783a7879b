"""Made-up news stories for the upload, duplicate and dateline tests: one wire story as a newcomer's plain .txt
(a dateline where a headline would be, to be saved in GBK), the same story as an .html page with its headline,
and the story as another outlet republished it (another head and tail: a near-duplicate, not a copy)."""

from __future__ import annotations

HEADLINE = "锦溪县三座新水厂投入运行"
DATELINE = "新华社成都7月27日电（记者 王君宝）"
PARAGRAPHS = (
    "7月27日，锦溪县三座新建水厂同时投入运行，全县农村集中供水率由百分之八十六提高到百分之九十九。",
    "三座水厂日供水能力合计四万二千吨，总投资二点六亿元，可惠及沿河十四个乡镇的三十一万群众。",
    "锦溪县水务局局长周明远介绍，水厂采用膜过滤工艺，出厂水全部达到国家饮用水标准。",
    "按照计划，明年全县还将改造老旧供水管网一百二十公里，并在山区新建五处小型集中供水站。",
)

# What a newcomer saves from a news site: no headline, the dateline on its own line, then the story.
TXT = DATELINE + "\n" + "\n".join(PARAGRAPHS) + "\n"

HTML = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{HEADLINE}</title></head>
<body><nav><a href="/">首页</a> <a href="/news">新闻</a></nav>
<article><h1>{HEADLINE}</h1>
<p>{DATELINE}{PARAGRAPHS[0]}</p>
{''.join(f'<p>{p}</p>' for p in PARAGRAPHS[1:])}
</article></body></html>"""

# The same wire story as a provincial paper carried it: its own head line, the lead kept, one sentence of its own.
REPUBLISHED = (
    "锦溪三座新水厂同日通水\n2023-07-28 08:30\n来源：川江日报\n"
    + "据新华社电 " + "\n".join(PARAGRAPHS)
    + "\n当天，不少村民来到水厂开放日现场参观。\n"
)

OTHER_STORY = (
    "梅岭镇举办首届山地自行车赛\n2023-07-29\n来源：梅岭晚报\n"
    "7月29日，梅岭镇首届山地自行车赛在梅岭森林公园开赛，来自全省的二百六十名选手参加比赛。\n"
    "赛道全长三十二公里，沿途设有五个补给站，比赛吸引了近万名游客前来观赛。\n"
)
