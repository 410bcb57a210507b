"""Build bot/wordfilter/lexicon_ko.txt from word lists whose licences allow it, plus the project's own entries.

Sources (read from paths given here; they are not committed):
  --ldnoobw  data/ko.txt of github LDNOOBWV2/List-of-Dirty-Naughty-Obscene-and-Otherwise-Bad-Words_V2 (CC0 1.0)
  --doublems korean-bad-words.md of github doublems/korean-bad-words (MIT, (c) 2019 Doublem.org)
  --curse    dataset.txt of github 2runo/Curse-detection-data (MIT): only its `dev` split (see
             benchmarks/abuse_data.py) is used, to drop entries that fire more on clean comments than on
             abusive ones; its held-back `test` split is never read here.
The project's own entries (bot/wordfilter/lexicon_own_ko.txt) are always kept.

What is dropped from the external lists, and why:
  - spellings with digits, Latin letters, symbols or loose jamo (the matcher's normalisation already folds
    those evasions back onto the plain spelling), phrases with spaces (mostly machine translations), Hanja;
  - single syllables other than a few unambiguous ones (좆, 썅, 좃, 좇): the rest are everyday syllables;
  - the entries in EXCLUDE: ordinary words (사정, 정자, 음모, 대상, 담당자, 운영자, 쓰레기, 홍어, 경상도 …),
    names of people and places, words naming crimes (강간, 성매매, 몰카: complaints and statutes must be able
    to name them), body and medical words, game and spam jargon;
  - entries that match any sentence of the statutes in ../shared/laws/, or any complaint in
    ../shared/complaints/ that is not itself abusive (ABUSIVE_COMPLAINT_WORDS lists the words of the few
    complaints whose writers do swear);
  - entries that fire at least twice on clean `dev` comments and no more often on abusive ones;
  - ordinary words that fired on clean comments of an independent set (the rows ZIZUN/korean-malicious-comments-
    dataset labelled itself, MIT) at least as often as on malicious ones: 삽입 원초적 섹시 에비 요년 야한만화
    (the second-last line of EXCLUDE; 자지 is kept and "자지 마/않/못" is allowed in builtin_allow_ko.txt);
  - ordinary words and TV titles that fired on Korean news headlines (kocohub/korean-hate-speech news_title,
    CC BY-SA 4.0, read only to find ordinary words, never shipped): 세끼 (하루 세끼), 불륜, 사생아, 빠라 (아빠라서),
    은꼴 (닮은꼴) and mild sexual words that insult nobody (the last line of EXCLUDE).

Categories are assigned by the rules in `category_of` (own entries carry theirs). Severity: 3 strong,
2 ordinary, 1 mild.

Rerun:
  .venv/bin/python scripts/build_word_lexicon.py --ldnoobw ko.txt --doublems korean-bad-words.md \
      --curse dataset.txt > bot/wordfilter/lexicon_ko.txt
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from abuse_data import complaints, curse_detection, statutes  # noqa: E402

from bot.wordfilter.lexicon import Entry, read_lexicon  # noqa: E402
from bot.wordfilter.matcher import WordMatcher, builtin_allowed  # noqa: E402

KEEP_SINGLE = {"좆", "썅", "좃", "좇"}  # not 씹: 씹다 (chew)
HANGUL_WORD = re.compile(r"^[가-힣]+$")

EXCLUDE = set(
    str.split(
        """
개발사 개발자 개발진 개발팀 거래 게임운영 게임운영자 경상도 전라도 고물 고추 곡괭이 곡해 공짜버그 공짜캐쉬 공짜캐시
공짜충전 과메기 구강 구석 궐련 그네 기분좋다 김대중 노무현 박근혜 박정희 이명박 명박 무현 문제인 나귀 나치 낙태 낙태아
담당자 대상 도요타 리니지 넷마블 아이템매니아 아이템베이 아이템메니아 연예인 우주 운영 운영자 운영진 운영팀 유산 이벤트
이벤트관리자 이벤트담당자 인상 직장 중단 지옥 지체 짐승 테스트 현금 현금게임 현금최대 현금충전 현거래 형사 홍보 화나게
흥분 흥분한 요정 유모 수성 수탉 손잡이 손질 속이다 삼키다 산업화 사정 사정하다 사정하는 정사 정자 정력 자궁 요도 유방
음모 음부 항문 체모 피임 소변 오줌 엉덩이 궁둥이 궁뎅이 가랑이 사타구니 모텔 물건 부랑자 불평 이기주의 폭동 민주화 일베
홍어 쥐포 통구이 피의 침투 찌르기 찌름 청산가리 필로폰 히로뽕 헤로인 브라 브래지어 브라자 팬티 스타킹 종아리 쭈쭈 카드
성관계 성교 성폭행 성추행 강간 강간범 몰카 조건만남 매춘 매춘부 성매매 윤락 원조교제 사창가 겁탈 수간 근친 근친상간 윤간
누드 나체 알몸 발기 애무 체위 정액 음경 음낭 음핵 음순 귀두 남근 페니스 콘돔 피임기구 피임용품 첫경험 성경험 성감대
성충동 성체험 처녀막 월경 자위 자위행위 마스터베이션 오르가슴 오르가즘 정욕 색욕 음욕 음란 음탕 퇴폐 유흥 단란주점 룸살롱
호스티스 화류 에로 스트립 스트립쇼 하드코어 포르노 야동 야설 성인 성인용 성인용품 러브호텔 노출증 변태 스와핑 로리타 소아성애
암컷 수컷 왕 자 질 년 뇬 똥 젖 섹 쎅 거기 구멍 바보 멍청 멍한  겁쟁이 고자 고무통 우덜 바바리맨 망나니 어리버리
영계 양아 양아치 오까마 호구 호모 레즈 다이크 조선족 짱개 단속 직촬 도촬 도우미 동침 영자 세종대왕 수퍼맨 스타킹 시방
갈보 거시기 변죽 스너프 스컹크 엑스터시 메롱 배째 허접 짱나 짱나네 째려  쪼가리 쪼갈 촉촉  어벙 멍텅 삐꾸 빙구
핑보 딩크 운지 사가지 호르 쇼킹 호빠 마사오 할배 부들부들 한남 씹 씹어 씹을 보혐 간철수 가카 고담 굴레머 굴래머 기엉아 꺼벙이 농아 벙어리 병자 애자 애좌 저능아 정박아 기형아 장애인 지체장애
그년 이년 저년 그놈 이놈 저놈 년놈 연놈 큰놈 촌놈 촌년 잡종 경상디언  입주둥이   대갈 대갈통
   빨아 빨어 빨자 빨기 빨통 벌려 벌기 벌릴 박을께 싸기 싸라 싼다 싸줄께 뒤짐 쑤셔 넣고싶어 따먹기 밤일 후다
       엄마젓 여자몸 누나몸 목따 배갈라 죽일꺼 주거라 후리자 후릴 물건 작은보지
삽입 원초적 섹시 에비 요년 야한만화
세끼 불륜 노브라 사생아 빠라 몸캠 누드화보 섹녀 섹남 야한것 은꼴
"""
    )
)

# Words of the few shared complaints whose writers swear: those complaints are abusive, not clean text.
ABUSIVE_COMPLAINT_WORDS = {"씨발", "미친놈", "새끼"}

SEXUAL = re.compile(
    r"섹|보지|자지|잠지|버지|보짓|보쥐|빠구리|빠굴|사까시|사카시|딸딸|딸치|떡치|오랄|오럴|젖|성인|누드|에로|포르노|야동|후장|좆물|정액|애액|질싸|딜도"
)
THREAT = re.compile(r"죽일|죽인|죽여|죽을|쳐죽|찢어|패버|묻어|조져|조진다|조질")
GENDER = re.compile(r"한남|김치녀|김치년|된장녀|메갈|보슬|스시녀|맘충|한녀|보빨|남혐|여혐|페미|쿵쾅")
REGION = re.compile(r"디언|홍어|과메기|쪽바리|짱깨|뙤놈|깜둥|흑형|조센")
POLITICS = re.compile(
    r"노무|운지|문죄인|문재앙|닭근혜|닭그네|쥐박|좌빨|빨갱|일베충|일게이|수꼴|대깨|토착왜구|틀딱|급식충|개독"
)
MILD = re.compile(
    r"대가리|대갈|주둥|아가리|눈깔|꼴값|꼴갑|꼴통|쪼다|얼간|또라이|도라이|돌아이|찐따|찌질|꺼져|닥쳐|븅딱|병딱"
)
SEVERE = re.compile(
    r"씨발|시발|씨팔|시팔|씹|좆|좃|좇|썅|니미|느금|애미|애비|에미|창녀|창년|보지|자지|개새|개색|개쉑|병신|븅신"
)


def category_of(word: str) -> str:
    if THREAT.search(word):
        return "threat"
    if GENDER.search(word):
        return "slur_gender"
    if REGION.search(word):
        return "slur_origin"
    if POLITICS.search(word):
        return "slur_politics"
    if SEXUAL.search(word):
        return "sexual"
    return "profanity"


def severity_of(word: str, category: str) -> int:
    if category != "profanity" or SEVERE.search(word):
        return 3
    return 1 if MILD.search(word) else 2


def candidates(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip().rstrip("?")
        if not HANGUL_WORD.match(word):
            continue  # digits, Latin, symbols, jamo, Hanja, spaces
        if len(word) == 1 and word not in KEEP_SINGLE:
            continue
        if word in EXCLUDE:
            continue
        out.append(word)
    return out


def fires(matcher_words: list[str], texts: list[str]) -> Counter[str]:
    """How many of `texts` each word fires on (with the matcher's own evasion handling)."""
    matcher = WordMatcher(matcher_words, builtin_allowed())
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({hit.word for hit in matcher.find(text)})
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ldnoobw", type=Path, required=True)
    parser.add_argument("--doublems", type=Path, required=True)
    parser.add_argument("--curse", type=Path, required=True)
    args = parser.parse_args()

    own = read_lexicon((ROOT / "bot/wordfilter/lexicon_own_ko.txt").read_text(encoding="utf-8"))
    own_words = {entry.word for entry in own}
    external = sorted({*candidates(args.ldnoobw), *candidates(args.doublems)} - own_words)

    dev = curse_detection(args.curse)["dev"]
    on_law = fires(external, statutes())
    clean_complaints = [c for c in complaints() if not any(w in c for w in ABUSIVE_COMPLAINT_WORDS)]
    on_complaints = fires(external, clean_complaints)
    on_clean = fires(external, [s.text for s in dev if not s.abusive])
    on_abusive = fires(external, [s.text for s in dev if s.abusive])

    kept: list[Entry] = list(own)
    dropped = Counter[str]()
    for word in external:
        if on_law[word] or on_complaints[word]:
            dropped["official text"] += 1
            continue
        if on_clean[word] >= 2 and on_clean[word] >= on_abusive[word]:
            dropped["clean comments"] += 1
            continue
        category = category_of(word)
        kept.append(Entry(word, category, severity_of(word, category)))
    print(
        "# Built-in prohibited words: word<TAB>category<TAB>severity (3 strong, 2 ordinary, 1 mild)[<TAB>i].\n"
        "# Built by scripts/build_word_lexicon.py; do not edit by hand (edit lexicon_own_ko.txt or the script).\n"
        "# Sources: the project's own list (lexicon_own_ko.txt); LDNOOBWV2 List-of-Dirty-Naughty-Obscene-and-\n"
        "# Otherwise-Bad-Words_V2 data/ko.txt (CC0 1.0); doublems/korean-bad-words (MIT, (c) 2019 Doublem.org:\n"
        "# the MIT notice is in THIRD_PARTY_NOTICES.md). Entries were filtered against statutes, complaints and\n"
        "# the dev split of 2runo/Curse-detection-data (MIT) as the script says.\n"
        "# Flag i: the initial-consonant (ㅅㅂ) and English-keyboard (tlqkf) spellings are matched too."
    )
    for entry in kept:
        flags = ("i" if entry.initials else "") + ("b" if entry.word_start else "")
        flags = f"\t{flags}" if flags else ""
        print(f"{entry.word}\t{entry.category}\t{entry.severity}{flags}")
    print(f"kept {len(kept)} ({len(own)} own); dropped {dict(dropped)}", file=sys.stderr)


if __name__ == "__main__":
    main()
