"""Pure parts of knowledge search: the thesaurus, relevance, decree articles following their act, and the
offline answer's highlighted sentence."""

from __future__ import annotations

import math

from assistants.skills.knowledge.render import best_sentence, offline_answer
from bot.knowledge.chunking import Chunk
from bot.knowledge.ranking import FITTED, Hit, LexicalIndex, QueryEvidence, RelevanceModel, Thresholds, split_fields
from bot.knowledge.search import ChunkIndex, Result, acts_before_decrees, decree_references, implemented_articles
from bot.knowledge.tokens import Thesaurus, bigrams

ACT = "옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률"


def test_thesaurus_rewrites_words_and_only_whole_one_syllable_tokens():
    thesaurus = Thesaurus({"현수막": ["플래카드", "펼침막"], "정당": ["당"], "민원 처리에 관한 법률": ["민원법"]})
    assert "현수막" in thesaurus.rewrite("플래카드 걸어도 돼?")
    assert "민원 처리에 관한 법률" in thesaurus.rewrite("민원법 처리기간")
    assert thesaurus.rewrite("해당 당장") == "해당 당장"  # one syllable: never replaced inside words
    assert thesaurus.token("당") == "정당" and thesaurus.token("해당") == "해당"


def test_a_query_of_unknown_words_is_not_relevant_even_when_one_word_matches():
    index = ChunkIndex(
        [
            ("c", Chunk(ACT, "정당 현수막은 허가 없이 표시한다.", 0, "제8조"), ["정당", "현수막", "허가", "표시"]),
            ("c", Chunk(ACT, "과태료를 부과한다.", 1, "제20조"), ["과태료", "부과"]),
        ]
    )
    fitting = index.search(["정당", "현수막"], ["c"], thresholds=Thresholds(min_ratio=0.3))
    unrelated = index.search(["건축법", "이행강제금", "횟수", "과태료"], ["c"], thresholds=Thresholds(min_ratio=0.3))
    assert fitting[0].chunk.article == "제8조" and fitting[0].relevant
    assert unrelated and not any(r.relevant for r in unrelated)
    assert index.search(["정당"], ["other"]) == []  # only the collections asked for


def test_decree_article_follows_the_act_article_it_implements():
    decree = Chunk(
        ACT + " 시행령", '법 제8조제1항제8호나목에서 "대통령령으로 정하는 장소"란 어린이 보호구역', 0, "제35조의2"
    )
    other = Chunk(ACT + " 시행령", "법 제80조에 따른 것", 1, "제50조")
    assert decree_references([decree, other]) == {(ACT, "제8조"): [0], (ACT, "제80조"): [1]}
    index = ChunkIndex(
        [
            ("c", Chunk(ACT, "정당 현수막", 0, "제8조"), ["정당", "현수막", "정당", "현수막"]),
            ("c", Chunk("정당법", "정당", 0, "제1조"), ["정당"]),
            ("c", decree, ["장소", "어린이", "현수막"]),
        ]
    )
    results = index.search(["정당", "현수막"], ["c"], top=3, thresholds=Thresholds(min_ratio=0.1))
    assert [(r.chunk.document, r.chunk.article) for r in results][:2] == [
        (ACT, "제8조"),
        (ACT + " 시행령", "제35조의2"),
    ]


def test_offline_answer_bolds_the_sentence_sharing_most_words():
    text = "① 다음 각 호의 광고물에는 적용하지 아니한다.\n8. 정당이 표시하는 현수막\n② 설치자는 철거한다."
    assert best_sentence(text, ["정당", "현수막"]) == "8. 정당이 표시하는 현수막"
    answer = offline_answer(
        [Result(Chunk(ACT, text, 0, "제8조", "적용 배제"), "법령", 3.0, True)], ["정당", "현수막"], "머리"
    )
    assert f"「{ACT}」 제8조(적용 배제)" in answer and "**8. 정당이 표시하는 현수막**" in answer


def test_the_thesaurus_never_rewrites_a_statute_word_it_contains():
    thesaurus = Thesaurus({"옥외광고물": ["옥외광고"], "현수막": ["플래카드"]})
    assert "옥외광고물물" not in thesaurus.rewrite("옥외광고물의 표시")
    assert "옥외광고물" in thesaurus.rewrite("옥외광고 허가")


def test_compound_bigrams_meet_however_the_compound_is_split():
    assert bigrams(["관용차"]) == ["~관용", "~용차"]
    assert set(bigrams(["관용차"])) & set(bigrams(["관용차량"])) == {"~관용", "~용차"}
    assert split_fields(["정당", "^적용", "~정당"]) == (["정당"], ["적용"], ["~정당"])


def test_relevance_is_the_top_score_against_the_ideal_score_of_the_question():
    index = LexicalIndex([["정당", "현수막", "^적용"], ["과태료", "부과"], ["정당", "당원"], ["여비", "지급"]])
    _, full = index.rank(["정당", "현수막"])
    _, foreign = index.rank(["정당", "건축법", "이행강제금", "도로점용"])
    assert full.matched == 1.0 and foreign.matched == 0.25
    assert full.ratio > 3 * foreign.ratio  # three words the collection never saw weigh at the highest IDF
    # no compound bigrams in these queries: the words stand in for them
    assert (full.grams_matched, full.grams_unseen) == (1.0, 0.0)
    assert (foreign.grams_matched, foreign.grams_unseen) == (0.25, 0.75)
    assert Thresholds().fits(full) and not Thresholds().fits(foreign)
    # an office's own floor on the ratio (app.yaml knowledge.min_ratio) still applies on top of the model
    assert not Thresholds(min_ratio=full.ratio + 0.01).fits(full)


def test_evidence_counts_the_compound_bigrams_the_top_passage_holds_and_those_nobody_holds():
    index = LexicalIndex(
        [
            ["이행강제금", "부과", "~이행", "~행강", "~강제", "~제금"],
            ["정당", "현수막", "~정당", "~현수", "~수막"],
        ]
    )
    # 위반건축물 이행강제금: the passage holds the 이행강제금 bigrams, nobody holds 위반건축물's
    _, evidence = index.rank(
        ["위반", "건축물", "이행강제금", "~위반", "~반건", "~건축", "~축물", "~이행", "~행강", "~강제", "~제금"]
    )
    assert evidence.grams_matched == 0.5 and evidence.grams_unseen == 0.5
    _, inside = index.rank(["정당", "현수막", "~정당", "~현수", "~수막"])
    assert (inside.grams_matched, inside.grams_unseen) == (1.0, 0.0)
    assert FITTED.probability(inside) > FITTED.probability(evidence)


def test_relevance_model_is_a_logistic_regression_over_standardised_features():
    model = RelevanceModel(
        names=("grams_matched", "grams_unseen"), mean=(0.5, 0.2), scale=(0.25, 0.1), coef=(2.0, -1.0)
    )
    at_mean = QueryEvidence(grams_matched=0.5, grams_unseen=0.2)
    assert model.probability(at_mean) == 0.5
    # one standard deviation more coverage: z = 2 → 1 / (1 + e^-2)
    assert abs(model.probability(QueryEvidence(grams_matched=0.75, grams_unseen=0.2)) - 1 / (1 + math.exp(-2))) < 1e-9
    assert model.probability(QueryEvidence(grams_matched=0.5, grams_unseen=0.9)) < 0.5  # more unseen, less likely


def test_an_act_article_precedes_the_decree_article_that_implements_it_when_it_scores_close():
    act = Chunk(ACT, "광고물등 자율관리구역", 0, "제4조의2", "광고물등 자율관리구역")
    decree = Chunk(ACT + " 시행령", "법 제4조의2제1항에 따라 자율관리구역을 지정하려면", 0, "제26조")
    other = Chunk(ACT + " 시행령", "법 제7조에 따른 심의위원회", 1, "제32조")
    chunks = [act, decree, other]
    implemented = implemented_articles(chunks, decree_references(chunks))
    assert implemented == {1: [0]}  # 법 제7조 is not among the chunks
    hits = [Hit(1, 10.0, True), Hit(0, 9.0, True), Hit(2, 5.0, True)]
    assert [h.position for h in acts_before_decrees(hits, implemented, 0.8)] == [0, 1, 2]
    # the act scoring far below its decree keeps its place: the decree is then what the question asks
    far = [Hit(1, 10.0, True), Hit(2, 5.0, True), Hit(0, 4.0, True)]
    assert [h.position for h in acts_before_decrees(far, implemented, 0.8)] == [1, 2, 0]


def test_addenda_rank_below_an_article_with_the_same_words():
    index = LexicalIndex([["시행", "정당"], ["시행", "정당"]], addenda=[True, False])
    ranked, _ = index.rank(["시행", "정당"], top=2)
    assert [position for _, position in ranked] == [1, 0]
