"""The one list of speech verbs (rag/lang/data/speech_verbs.tsv) and the rules that read their role of it."""

import re

import pytest

from rag.answering import cues, names, said, speakers
from rag.lang.speech import speech_verbs, with_speech_verbs
from rag.lang.wordlists import read_word_lists

ROLES = ("cue", "after_name", "asked", "how", "premise", "act", "speaker")


def test_every_role_has_verbs_and_every_verb_a_known_role():
    table = read_word_lists("rag.lang", "data/speech_verbs.tsv")
    assert set(table) == set(ROLES)
    for role in ROLES:
        verbs = speech_verbs(role)
        assert verbs and len(set(verbs)) == len(verbs)


def test_an_unknown_role_is_an_error_naming_it():
    with pytest.raises(KeyError, match="spoke"):
        speech_verbs("spoke")


def test_a_pattern_gets_the_roles_verbs_longest_first():
    pattern = with_speech_verbs("({speech:asked})了?(什么|哪几点)")
    assert "{speech" not in pattern
    assert re.fullmatch(pattern, "谈到了什么") and re.fullmatch(pattern, "谈哪几点")
    assert pattern.index("谈到") < pattern.index("|谈)")
    assert with_speech_verbs("没有角色") == "没有角色"


def test_each_user_reads_its_role():
    assert cues.words("speech") == speech_verbs("cue")
    assert names.name_words()["say"] == speech_verbs("after_name")
    assert all(said._patterns()["verb"].fullmatch(v) for v in speech_verbs("how"))
    assert not said._patterns()["verb"].fullmatch("说")  # 说 introduces words, it says nothing of how
    assert all(speakers._patterns()["verb"].fullmatch(v) for v in speech_verbs("speaker"))


def test_a_question_asking_the_words_with_any_asked_verb():
    for verb in speech_verbs("asked"):
        assert said.asks_said(f"王刚在会上{verb}了什么？")
    assert not said.asks_said("王刚在会上做了什么？")


def test_a_verb_after_a_name_makes_a_speaker_only_in_its_role():
    cue = re.compile(cues.alt("speech"))
    assert cue.search("李国华回应") and not cue.search("李国华感慨")  # 回应 is a cue, 感慨 only follows a name
    assert "感慨" in speech_verbs("after_name") and "回应" not in speech_verbs("after_name")
