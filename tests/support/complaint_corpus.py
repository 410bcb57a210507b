"""A labelled Korean complaint corpus for the triage benchmark and tests.

Each complaint is composed from independent pieces — who writes, where, what is wrong (many phrasings
per problem), optional details, a hazard or an actual harm, the tone and the request — so no two
complaints share a template. The gold labels follow from the pieces chosen: the topic (cluster),
the urgency (harm → 긴급, hazard → 높음, plain → 보통, suggestion or inquiry → 낮음) and, for a
resubmitted complaint, which earlier one it repeats. Complainants and phone numbers are invented.

Regenerate the committed file with:  python -m tests.support.complaint_corpus
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "complaints_eval.csv"
AS_OF = datetime(2026, 11, 20, 18, 0)
HEADER = (
    "접수번호",
    "접수일시",
    "제목",
    "내용",
    "위치",
    "민원인",
    "연락처",
    "상태",
    "gold_cluster",
    "gold_urgency",
    "gold_duplicate_of",
)

DONGS = ["한빛동", "새솔동", "푸른동", "달빛동", "은행동", "매화동", "솔내동", "가람동", "누리동", "별빛동"]
LANDMARKS = [
    "한빛초등학교 정문",
    "새솔역 2번 출구",
    "푸른공원 입구",
    "달빛시장 사거리",
    "한빛도서관 앞",
    "매화아파트 후문",
    "은행동 주민센터 앞",
    "솔내중학교 후문",
    "가람병원 앞",
    "누리로 삼거리",
    "별빛초 스쿨존",
    "새솔대로 버스정류장",
    "한빛구청 맞은편",
    "푸른길 상가 앞",
    "달빛마을 3단지 입구",
    "은행나무공원 산책로",
    "매화고등학교 앞 횡단보도",
    "가람천 자전거길",
    "한빛로 먹자골목",
    "솔내역 광장",
]
ROADS = ["한빛로", "새솔대로", "푸른길", "달빛로", "은행로", "매화길", "솔내로", "가람길"]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = [
    "민준",
    "서연",
    "도윤",
    "지우",
    "하준",
    "서윤",
    "예준",
    "하은",
    "시우",
    "지민",
    "주원",
    "수아",
    "지호",
    "은서",
    "현우",
    "영숙",
    "정희",
    "순자",
    "상철",
    "경호",
    "미경",
    "동현",
    "혜진",
    "성민",
    "유진",
]

OPENERS = [
    "",
    "",
    "",
    "안녕하세요.",
    "안녕하십니까.",
    "{dong} 주민입니다.",
    "{dong}에 사는 주민입니다.",
    "매일 이 길로 출퇴근하는 직장인입니다.",
    "두 아이를 키우는 엄마입니다.",
    "근처 상가에서 장사하는 사람입니다.",
    "수고 많으십니다.",
    "구청 담당자님께.",
    "지나가다 보고 신고합니다.",
    "{dong} {apt}동 사는 주민인데요.",
    "근처 학교 학부모입니다.",
    "이 동네에 30년째 살고 있습니다.",
]
ASKS = [
    "확인 부탁드립니다.",
    "조치해 주시기 바랍니다.",
    "빠른 처리 부탁드립니다.",
    "현장 확인 후 조치 바랍니다.",
    "개선해 주세요.",
    "담당 부서에서 살펴봐 주시면 감사하겠습니다.",
    "해결 방법을 알려 주세요.",
    "처리 결과를 회신해 주세요.",
    "",
    "",
    "단속 좀 해 주세요.",
    "관심 가져 주시면 고맙겠습니다.",
    "부탁드립니다.",
]
URGENT_ASKS = [
    "오늘 안에 꼭 조치해 주세요.",
    "당장 와서 봐 주세요.",
    "즉시 조치 부탁드립니다.",
    "긴급합니다. 빨리 처리해 주세요.",
    "지금 바로 현장에 나와 주십시오.",
    "하루빨리 조치해 주세요.",
]
ANGRY = [
    "벌써 세 번째 신고입니다.",
    "도대체 언제까지 이래야 합니까?",
    "몇 달째 그대로입니다. 정말 화가 납니다.",
    "민원을 넣어도 달라지는 게 없네요.",
    "이게 말이 됩니까?",
    "지난달에도 말씀드렸는데 그대로입니다.",
    "세금 내는 보람이 없습니다.",
]
RESUBMIT = ["(재접수) ", "다시 민원 넣습니다. ", "아직도 해결이 안 돼서 또 올립니다. ", "", ""]


@dataclass(frozen=True)
class Topic:
    key: str
    size: int
    levels: tuple[float, float, float, float]  # share of 긴급, 높음, 보통, 낮음
    things: tuple[str, ...]
    problems: tuple[str, ...]
    details: tuple[str, ...]
    hazards: tuple[str, ...]
    harms: tuple[str, ...]
    suggestions: tuple[str, ...]
    titles: tuple[str, ...]


TOPICS = [
    Topic(
        "킥보드_방치",
        80,
        (0.06, 0.3, 0.46, 0.18),
        (
            "공유 킥보드",
            "전동킥보드",
            "전동 킥보드",
            "킥보드",
            "공유킥보드",
            "개인형 이동장치",
            "PM 기기",
            "대여용 킥보드",
        ),
        (
            "{place} 인도 한가운데 {thing}가 며칠째 방치되어 있습니다.",
            "{place}에 {thing} 여러 대가 쓰러진 채로 길을 막고 있어요.",
            "{place} 점자블록 위에 {thing}를 세워 두고 가는 사람이 너무 많습니다.",
            "아파트 출입구 앞을 {thing}가 막고 있어서 유모차가 못 지나갑니다.",
            "{place} 정류장 앞에 {thing}가 아무렇게나 주차돼 있습니다.",
            "{thing} 무단 주차 때문에 {place} 보행로가 반으로 좁아졌어요.",
            "{place} 횡단보도 바로 앞에 {thing}가 세워져 있어 건너기가 불편합니다.",
            "누가 {thing}를 {place} 화단에 던져 놓고 갔네요.",
            "{place} 상가 앞에 {thing}가 줄지어 서 있어서 손님들이 다니질 못합니다.",
            "밤사이 {thing} 다섯 대가 {place} 골목 입구를 가로막았습니다.",
            "{thing} 반납을 아무 데나 해서 {place} 주변이 엉망입니다.",
            "{place} 자전거 거치대를 {thing}가 다 차지하고 있습니다.",
        ),
        (
            "업체에 전화해도 수거를 안 해 갑니다.",
            "특히 출근 시간에 심합니다.",
            "사진 찍어 두었습니다.",
            "QR코드를 보니 한 업체 기기입니다.",
            "주말이면 더 늘어납니다.",
            "배터리가 다 된 건지 계속 같은 자리에 있어요.",
            "가게 앞이라 영업에 지장이 있습니다.",
        ),
        (
            "아이들 등굣길이라 넘어질까 봐 걱정입니다.",
            "밤에는 잘 안 보여 걸려 넘어질 뻔했습니다.",
            "휠체어 탄 어르신이 차도로 돌아가시더라고요. 위험해 보였습니다.",
            "비 오는 날엔 미끄러워서 더 위험합니다.",
            "시각장애인 분들이 지나다니는 길이라 위험합니다.",
        ),
        (
            "어제 저녁 어르신이 쓰러진 킥보드에 걸려 넘어지셔서 무릎을 크게 다치셨습니다.",
            "시각장애인 한 분이 점자블록 위 기기에 부딪혀 넘어지셨고 피를 흘리셨어요.",
            "오늘 아침 초등학생이 방치된 킥보드에 걸려 넘어져 119가 왔습니다.",
            "유모차 바퀴가 걸려 아기가 떨어질 뻔했고 엄마가 손목을 다쳤습니다.",
        ),
        (
            "{thing} 전용 주차구역을 {place} 근처에 만들어 주면 좋겠습니다.",
            "{thing} 반납 금지 구역 안내판 설치를 건의합니다.",
            "{thing} 업체가 수거를 제때 하도록 기준을 만들어 주시면 좋겠어요.",
            "{thing} 주차 규정이 어떻게 되는지 문의드립니다.",
        ),
        (
            "인도 킥보드 방치",
            "공유킥보드 무단 주차",
            "킥보드 수거 요청",
            "보행로 막는 PM",
            "킥보드 주차 문제",
            "전동킥보드 방치 신고",
        ),
    ),
    Topic(
        "킥보드_주행",
        60,
        (0.05, 0.4, 0.4, 0.15),
        ("전동킥보드", "킥보드", "공유 킥보드", "전동 킥보드", "PM"),
        (
            "{place} 인도로 {thing}가 빠른 속도로 달립니다.",
            "{thing}에 두 명이 같이 타고 다니는 학생들을 자주 봅니다.",
            "헬멧 없이 {thing} 타는 사람이 {place}에 너무 많아요.",
            "중학생으로 보이는 아이들이 면허 없이 {thing}를 탑니다.",
            "{place} 횡단보도에서 {thing}가 신호를 무시하고 지나갑니다.",
            "밤에 전조등도 안 켠 {thing}가 {place} 골목을 쌩쌩 달려요.",
            "{place} 산책로에서 {thing}가 사람 사이로 지그재그로 달립니다.",
            "{thing} 타고 역주행하는 사람들이 {place}에 자주 보입니다.",
            "{place} 보행자 전용 구역인데도 {thing}가 계속 지나다닙니다.",
        ),
        (
            "단속하는 걸 한 번도 못 봤습니다.",
            "주로 하교 시간에 많습니다.",
            "경적도 없이 뒤에서 갑자기 나타납니다.",
            "저녁 8시 이후에 특히 심해요.",
            "학원가라 학생들이 많이 탑니다.",
            "속도를 보니 시속 25킬로미터는 넘는 것 같았습니다.",
        ),
        (
            "아이 손잡고 걷다가 부딪힐 뻔했습니다.",
            "어르신들이 놀라서 넘어지실 것 같아요.",
            "언젠가 큰 사고가 날 것 같아 불안합니다.",
            "스쿨존이라 아이들이 위험합니다.",
            "유모차 끌고 가다가 스치듯 지나가서 식겁했습니다.",
        ),
        (
            "오늘 오후 킥보드가 인도에서 할머니를 치고 그대로 도망갔습니다. 할머니는 병원에 실려 가셨습니다.",
            "제 아이가 인도에서 킥보드와 부딪혀 팔이 부러졌습니다.",
            "킥보드 두 대가 충돌해서 학생 한 명이 머리를 다쳐 피를 흘렸습니다.",
            "어제 횡단보도에서 킥보드에 치여 다리를 다쳤습니다. 지금 입원 중입니다.",
        ),
        (
            "{place} 주변에 {thing} 속도 제한 안내를 해 주시면 좋겠습니다.",
            "학교에서 {thing} 안전교육을 해 주면 좋겠다는 건의입니다.",
            "{thing} 인도 주행 과태료가 얼마인지 궁금합니다.",
        ),
        (
            "인도 킥보드 주행",
            "킥보드 2인 탑승",
            "무면허 킥보드 단속 요청",
            "킥보드 과속",
            "헬멧 미착용 단속",
            "PM 안전 문제",
        ),
    ),
    Topic(
        "불법주정차",
        70,
        (0.04, 0.3, 0.5, 0.16),
        ("차량", "트럭", "승용차", "화물차", "택배차", "학원 차량"),
        (
            "{place} 앞에 {thing}가 매일 불법 주차를 합니다.",
            "{place} 소화전 앞에 {thing}가 버젓이 세워져 있습니다.",
            "{place} 이중주차 때문에 차를 뺄 수가 없습니다.",
            "{place} 스쿨존에 {thing}가 줄지어 주정차하고 있어요.",
            "{place} 버스정류장에 {thing}가 서 있어서 버스가 도로 한가운데 정차합니다.",
            "{place} 횡단보도 위에 {thing}를 걸쳐 세워 둡니다.",
            "주말마다 {place} 골목이 {thing}로 꽉 막힙니다.",
            "{place} 장애인 주차구역에 일반 {thing}가 주차했습니다.",
            "{place} 인도 위로 {thing}가 올라와 주차돼 있습니다.",
            "{place} 모퉁이에 {thing}가 서 있어서 시야가 가려요.",
        ),
        (
            "번호판 사진 찍어 두었습니다.",
            "밤 10시 이후로 특히 심합니다.",
            "같은 차가 몇 주째 그 자리입니다.",
            "단속 카메라가 없는 곳이라 그런 것 같아요.",
            "식당 손님들 차량으로 보입니다.",
            "차주에게 전화해도 받지 않습니다.",
        ),
        (
            "소방차가 못 들어올 것 같아 걱정입니다.",
            "아이들이 차 사이로 튀어나와서 운전자들이 못 봅니다. 위험합니다.",
            "어르신들이 차를 피해 차도로 걸어가십니다.",
            "구급차가 들어오지 못할까 불안합니다.",
        ),
        (
            "어제 밤 골목 불이 났는데 불법 주차 차량 때문에 소방차가 10분 넘게 진입을 못 했습니다.",
            "주차된 트럭 뒤에서 아이가 튀어나오다 차에 치여 다쳤습니다.",
            "응급 환자가 있었는데 구급차가 이중주차 때문에 들어오지 못했습니다.",
        ),
        (
            "{place} 주변에 공영주차장을 늘려 주시면 좋겠습니다.",
            "{place} 주정차 단속 카메라 설치를 건의합니다.",
            "거주자 우선 주차 신청 방법을 알고 싶습니다.",
        ),
        ("불법 주정차 신고", "소화전 앞 주차", "스쿨존 불법주차", "이중주차 단속 요청", "주차 단속 요청"),
    ),
    Topic(
        "도로파손",
        50,
        (0.14, 0.34, 0.4, 0.12),
        ("포트홀", "도로 패임", "파인 도로", "움푹 파인 곳", "깨진 아스팔트"),
        (
            "{place} 도로에 큰 {thing}이 생겼습니다.",
            "{place} 차로 한가운데 {thing}이 있어서 차들이 급하게 피해 갑니다.",
            "비 온 뒤로 {place} 앞 도로가 여기저기 파였습니다.",
            "{place} 보도블록이 들떠서 걸을 때마다 덜컹거립니다.",
            "{place} 맨홀 뚜껑 주변 {thing}이 점점 커지고 있어요.",
            "{place} 아스팔트가 갈라지고 {thing}이 여러 개 생겼습니다.",
            "{place} 버스 다니는 길에 {thing}이 깊게 생겼습니다.",
            "{place} 인도 보도블록이 깨져 있습니다.",
        ),
        (
            "지름이 50센티는 되어 보입니다.",
            "밤에는 잘 안 보입니다.",
            "물이 고여서 깊이를 알 수 없어요.",
            "임시로 콘을 세워 두었는데 치워졌습니다.",
            "배달 오토바이들이 피하느라 차선을 넘나듭니다.",
        ),
        (
            "오토바이가 걸려 넘어질 뻔했습니다.",
            "자전거 타는 학생들이 위험해 보입니다.",
            "어르신들이 걸려 넘어지기 쉽습니다.",
            "밤에 차가 빠지면 큰일 날 것 같아요.",
        ),
        (
            "{place} 도로가 갑자기 꺼져서 싱크홀이 생겼습니다. 차가 빠질 것 같습니다.",
            "어제 포트홀에 바퀴가 빠져 타이어가 터지고 뒤차와 부딪히는 사고가 났습니다.",
            "보도블록에 걸려 넘어져 어머니가 이마를 다치셨습니다.",
            "도로 한가운데가 무너져 내려 구멍이 점점 커지고 있습니다. 통제가 필요합니다.",
        ),
        ("{place} 도로 재포장 계획이 있는지 문의드립니다.", "{place} 보도블록 교체 공사 일정을 알고 싶습니다."),
        ("포트홀 보수 요청", "도로 파손 신고", "보도블록 파손", "도로 패임 신고", "도로 보수 요청"),
    ),
    Topic(
        "가로등",
        45,
        (0.04, 0.35, 0.45, 0.16),
        ("가로등", "보안등", "골목 가로등", "공원 조명", "보행등"),
        (
            "{place} {thing}이 일주일째 꺼져 있습니다.",
            "{place} {thing}이 밤새 깜빡거려요.",
            "{place} 골목 {thing} 세 개가 한꺼번에 나갔습니다.",
            "{place} {thing}이 낮에도 켜져 있습니다.",
            "{place} {thing} 기둥이 기울어져 있습니다.",
            "{place} 주변이 너무 어두운데 {thing}이 고장 난 것 같아요.",
            "{place} {thing} 불빛이 너무 약해서 앞이 잘 안 보입니다.",
        ),
        (
            "밤 11시쯤 확인했습니다.",
            "관리번호 스티커가 붙어 있습니다.",
            "한전에 물어보니 구청 소관이라고 합니다.",
            "지난번 교체 후 한 달 만에 또 고장입니다.",
        ),
        (
            "여학생들이 밤늦게 다니는 길이라 무섭다고 합니다.",
            "너무 어두워서 범죄가 생길까 걱정입니다.",
            "계단이 있는 곳이라 발을 헛디딜 뻔했습니다.",
            "기둥 전선이 밖으로 드러나 있어 감전될까 걱정됩니다.",
        ),
        (
            "{thing} 기둥 아래 전선에서 불꽃이 튀고 탄 냄새가 납니다.",
            "어두운 계단에서 어르신이 넘어져 머리를 다치셨습니다. 가로등이 꺼져 있었습니다.",
        ),
        ("{place}에 {thing}을 하나 더 설치해 주시면 좋겠습니다.", "{thing}을 LED로 바꾸는 계획이 있는지 궁금합니다."),
        ("가로등 고장 신고", "보안등 소등", "가로등 깜빡임", "어두운 골목 조명 요청"),
    ),
    Topic(
        "쓰레기",
        60,
        (0.02, 0.2, 0.55, 0.23),
        ("쓰레기", "음식물 쓰레기", "대형폐기물", "재활용품", "종량제 봉투"),
        (
            "{place} 전봇대 밑에 {thing}가 산더미처럼 쌓였습니다.",
            "{place}에 누가 {thing}를 몰래 버리고 갑니다.",
            "{place} 골목에 {thing} 무단투기가 계속됩니다.",
            "{place} 앞 {thing} 수거가 사흘째 안 되고 있습니다.",
            "{place}에 버려진 {thing} 때문에 악취가 심합니다.",
            "{place} 공터에 소파와 냉장고 같은 {thing}가 버려져 있어요.",
            "{place} 분리수거장이 {thing}로 넘쳐납니다.",
            "밤마다 {place}에 {thing}를 차에 싣고 와서 버리는 사람이 있습니다.",
        ),
        (
            "CCTV가 있는데도 소용이 없습니다.",
            "여름이라 벌레가 꼬입니다.",
            "고양이들이 봉투를 다 뜯어 놓았습니다.",
            "스티커도 안 붙이고 버렸습니다.",
            "주말 사이에 더 늘었습니다.",
        ),
        ("깨진 유리가 섞여 있어 아이들이 다칠까 걱정입니다.", "쓰레기 더미에서 담배꽁초 불이 붙을 뻔했습니다."),
        ("쌓인 쓰레기 더미에서 불이 나 연기가 올라오고 있습니다.",),
        (
            "{place}에 무단투기 감시 카메라 설치를 건의합니다.",
            "대형폐기물 배출 방법을 알려 주세요.",
            "{thing} 수거 요일이 언제인지 문의합니다.",
        ),
        ("쓰레기 무단투기 신고", "쓰레기 미수거", "악취 민원", "대형폐기물 방치", "분리수거장 관리 요청"),
    ),
    Topic(
        "공사소음",
        45,
        (0.04, 0.22, 0.54, 0.2),
        ("공사장", "건설 현장", "철거 공사", "재건축 현장", "도로 공사"),
        (
            "{place} {thing}에서 새벽 6시부터 소음이 납니다.",
            "{place} {thing} 소음 때문에 잠을 잘 수가 없어요.",
            "{place} {thing} 진동으로 집이 흔들립니다.",
            "주말에도 {place} {thing}에서 공사를 합니다.",
            "{place} {thing} 먼지가 창문으로 다 들어옵니다.",
            "{place} {thing} 덤프트럭이 밤늦게까지 드나듭니다.",
        ),
        (
            "아기가 자꾸 깹니다.",
            "재택근무 중인데 통화를 못 할 정도입니다.",
            "허용 시간을 지키지 않는 것 같습니다.",
            "소음 측정을 해 주세요.",
        ),
        ("진동 때문에 벽에 금이 갔습니다. 무너질까 걱정입니다.", "가림막이 바람에 흔들려 넘어질 것 같습니다."),
        ("{thing} 가림막이 인도로 넘어져 지나가던 사람이 깔려 다쳤습니다.",),
        ("{thing} 작업 시간 규정이 어떻게 되는지 알려 주세요.", "{place} {thing} 공사 기간이 언제까지인지 궁금합니다."),
        ("공사 소음 민원", "새벽 공사 소음", "공사장 진동", "공사 먼지 민원"),
    ),
    Topic(
        "현수막",
        35,
        (0.0, 0.12, 0.6, 0.28),
        ("현수막", "불법 현수막", "전단지", "불법 광고물", "입간판"),
        (
            "{place} 가로수마다 {thing}이 걸려 있습니다.",
            "{place} 사거리에 {thing}이 너무 많아 신호등이 안 보입니다.",
            "{place} 전봇대에 {thing}이 덕지덕지 붙어 있어요.",
            "{place} 인도에 {thing}이 세워져 통행을 막습니다.",
            "{place} 육교 난간에 분양 광고 {thing}이 걸렸습니다.",
            "선거 끝난 지 한참인데 {place} {thing}이 그대로예요.",
        ),
        ("매주 새로 붙습니다.", "업체 전화번호가 적혀 있습니다.", "미관상 좋지 않습니다."),
        ("{thing}이 바람에 떨어져 차도로 날아갈 것 같아 위험합니다.", "운전자 시야를 가려 사고가 날까 걱정입니다."),
        (),
        ("현수막 게시대 위치를 알려 주세요.", "{thing} 신고 포상제가 있는지 궁금합니다."),
        ("불법 현수막 신고", "불법 광고물 정비 요청", "전단지 부착 신고"),
    ),
    Topic(
        "놀이터",
        35,
        (0.06, 0.34, 0.4, 0.2),
        ("놀이터", "어린이공원", "공원 놀이기구", "그네", "미끄럼틀"),
        (
            "{place} {thing} 바닥 고무매트가 찢어져 있습니다.",
            "{place} {thing} 쇠사슬이 녹슬었습니다.",
            "{place} {thing} 나사가 빠져 흔들립니다.",
            "{place} {thing}에 깨진 병 조각이 흩어져 있어요.",
            "{place} {thing} 모래에 동물 배설물이 많습니다.",
            "{place} {thing} 울타리가 부서졌습니다.",
        ),
        ("주말에는 아이들이 많이 옵니다.", "관리 사무소에 말해도 구청 소관이라고 합니다.", "사진 보내드립니다."),
        ("아이들이 다칠까 봐 놀이터에 못 보내고 있습니다.", "날카로운 모서리가 튀어나와 있어 위험합니다."),
        (
            "{thing}이 부서지면서 아이가 떨어져 팔을 다쳤습니다.",
            "놀이기구 나사가 빠져 아이 손가락이 끼어 피가 났습니다.",
        ),
        ("{place}에 그늘막을 설치해 주시면 좋겠습니다.", "{place} {thing}에 장애 아동도 탈 수 있는 기구를 건의합니다."),
        ("놀이터 시설 파손", "놀이기구 수리 요청", "어린이공원 관리", "놀이터 안전 점검 요청"),
    ),
    Topic(
        "버스",
        45,
        (0.0, 0.16, 0.56, 0.28),
        ("버스", "마을버스", "시내버스", "버스 기사"),
        (
            "{place} 정류장에 {thing}가 서지 않고 그냥 지나갑니다.",
            "{thing} 배차 간격이 40분이 넘습니다.",
            "{place} 정류장 의자가 부서져 있어요.",
            "{place} 정류장 도착 안내 전광판이 꺼져 있습니다.",
            "{thing}가 출발할 때 너무 급하게 출발합니다.",
            "{place} 정류장 지붕이 없어 비를 맞고 기다립니다.",
            "{thing} 운행 시간표와 실제 도착 시간이 전혀 안 맞아요.",
        ),
        ("출근 시간에 지각을 몇 번 했습니다.", "노선 번호는 7번입니다.", "기사님께 말씀드려도 소용없습니다."),
        ("어르신이 타시다가 넘어지실 뻔했습니다.", "유모차를 싣기도 전에 문이 닫혔습니다."),
        (),
        (
            "{place}에 {thing} 노선을 하나 더 만들어 주세요.",
            "{thing} 정류장 이름을 바꿔 달라는 건의입니다.",
            "심야 {thing} 운행 계획이 있는지 궁금합니다.",
        ),
        ("버스 무정차 신고", "배차 간격 개선 요청", "정류장 시설 보수", "버스 운행 불편"),
    ),
    Topic(
        "제설빙판",
        30,
        (0.17, 0.43, 0.3, 0.1),
        ("빙판길", "눈", "얼음", "언 길"),
        (
            "{place} 언덕길이 {thing}이 되어 차들이 미끄러집니다.",
            "{place} 인도에 {thing}이 치워지지 않았습니다.",
            "{place} 계단에 {thing}이 그대로 얼어 있어요.",
            "{place} 제설함이 비어 있습니다.",
            "{place} 골목에 {thing} 때문에 차가 못 올라갑니다.",
        ),
        ("그늘진 곳이라 며칠째 녹지 않습니다.", "염화칼슘이라도 뿌려 주세요.", "아침 7시쯤 상황입니다."),
        (
            "어르신들이 다니시기 너무 위험합니다.",
            "아이들 등굣길이라 넘어질까 걱정입니다.",
            "차가 미끄러져 사고 날 뻔했습니다.",
        ),
        (
            "{place} {thing}에서 할머니가 미끄러져 넘어지셔서 구급차가 왔습니다.",
            "{thing}에 차가 미끄러져 담벼락을 들이받는 사고가 났습니다.",
            "오늘 아침 {place} 계단 {thing}에서 학생이 넘어져 다리가 부러졌습니다.",
        ),
        ("{place} 언덕길에 열선 설치를 건의합니다.", "제설 작업 순서가 어떻게 정해지는지 궁금합니다."),
        ("제설 요청", "빙판길 민원", "제설함 보충 요청", "빙판길 민원 재접수"),
    ),
    Topic(
        "민원실",
        40,
        (0.0, 0.08, 0.5, 0.42),
        ("민원실", "무인발급기", "여권 창구", "등본 발급"),
        (
            "{dong} 행정복지센터 {thing} 대기 시간이 한 시간이 넘습니다.",
            "{thing}가 또 고장 나 있었습니다.",
            "{thing} 직원분이 불친절했습니다.",
            "점심시간에 {thing}가 문을 닫아 헛걸음했습니다.",
            "{thing} 번호표 기계가 작동하지 않습니다.",
            "여권 찾으러 갔는데 {thing}에서 서류가 없다고 합니다.",
        ),
        ("직장인이라 평일에 가기 어렵습니다.", "안내가 부족했습니다.", "주차 공간도 부족합니다."),
        ("몸이 불편한 어르신이 오래 서서 기다리셨습니다.",),
        (),
        (
            "{thing} 야간 운영을 해 주시면 좋겠습니다.",
            "여권 발급 기간이 얼마나 걸리는지 문의합니다.",
            "인감증명서 대리 발급 방법을 알려 주세요.",
            "가족관계증명서를 온라인으로 받을 수 있는지 궁금합니다.",
        ),
        ("민원실 대기 불편", "무인발급기 고장", "여권 발급 문의", "증명서 발급 문의"),
    ),
    Topic(
        "배수침수",
        35,
        (0.2, 0.4, 0.3, 0.1),
        ("빗물받이", "배수구", "하수구", "맨홀"),
        (
            "{place} {thing}가 낙엽으로 꽉 막혔습니다.",
            "비만 오면 {place} 도로가 물바다가 됩니다.",
            "{place} {thing}에서 악취가 올라옵니다.",
            "{place} {thing} 덮개가 없어졌습니다.",
            "{place} 지하차도에 물이 빠지지 않습니다.",
        ),
        (
            "담배꽁초가 가득 차 있습니다.",
            "작년 장마 때도 같은 문제가 있었습니다.",
            "상가 앞이라 손님들이 불편해합니다.",
        ),
        ("덮개 없는 구멍에 아이가 빠질까 걱정됩니다.", "장마 예보가 있어 침수될까 불안합니다."),
        (
            "지금 {place} 지하차도가 침수돼 차가 물에 잠기고 있습니다.",
            "반지하 집으로 물이 들어차고 있습니다. 배수구가 막혀서 물이 역류합니다.",
            "{thing} 뚜껑이 열린 곳에 사람이 빠져 다리를 다쳤습니다.",
        ),
        ("{place} {thing} 청소 주기를 알고 싶습니다.", "{place}에 빗물받이를 더 설치해 주시면 좋겠습니다."),
        ("빗물받이 막힘", "배수구 악취", "배수 불량 민원", "하수구 덮개 분실"),
    ),
]

LEVELS = ("긴급", "높음", "보통", "낮음")


def _phone(rng: random.Random) -> str:
    return f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}"


def _place(rng: random.Random, hot: list[str]) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(hot)  # a few places draw repeated reports
    if roll < 0.8:
        return rng.choice(LANDMARKS)
    return f"{rng.choice(ROADS)} {rng.randint(1, 180)}"


def _has_final(word: str) -> bool:
    last = word.rstrip(")")[-1]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    return last.upper() in "LMNR" or last.isdigit() and last in "0136781"


def _particles(text: str, word: str) -> str:
    """Korean particles agree with the word before them (킥보드가, 포트홀이, 현수막을)."""
    final = _has_final(word)
    for with_final, without in (("이", "가"), ("은", "는"), ("을", "를"), ("과", "와"), ("으로", "로"), ("이라", "라")):
        right, wrong = (with_final, without) if final else (without, with_final)
        text = text.replace(word + wrong + " ", word + right + " ").replace(word + wrong + ".", word + right + ".")
    return text


def _fill(template: str, rng: random.Random, topic: Topic, place: str) -> str:
    thing = rng.choice(topic.things)
    text = template.format(place=place, thing=thing, dong=rng.choice(DONGS), apt=rng.randint(101, 112))
    return _particles(text, thing) if "{thing}" in template else text


def compose(topic: Topic, level: str, rng: random.Random, hot: list[str]) -> tuple[str, str, str]:
    """(title, content, location) of one complaint at the given gold urgency."""
    place = _place(rng, hot)
    parts = [_fill(rng.choice(OPENERS), rng, topic, place)]
    if level == "낮음" and topic.suggestions:
        parts.append(_fill(rng.choice(topic.suggestions), rng, topic, place))
        if rng.random() < 0.4:
            parts.append(_fill(rng.choice(topic.details), rng, topic, place))
        parts.append(rng.choice(["검토 부탁드립니다.", "답변 부탁드립니다.", "알려 주시면 감사하겠습니다.", ""]))
    else:
        parts.append(_fill(rng.choice(topic.problems), rng, topic, place))
        for detail in rng.sample(topic.details, k=min(len(topic.details), rng.choice([0, 1, 1, 2]))):
            parts.append(_fill(detail, rng, topic, place))
        if level == "높음" and topic.hazards:
            parts.append(_fill(rng.choice(topic.hazards), rng, topic, place))
        if level == "긴급" and topic.harms:
            parts.append(_fill(rng.choice(topic.harms), rng, topic, place))
        if level in ("보통", "높음") and rng.random() < 0.2:
            parts.append(rng.choice(ANGRY))
        parts.append(rng.choice(URGENT_ASKS) if level == "긴급" else rng.choice(ASKS))
    if rng.random() < 0.25:
        parts.append(rng.choice(["감사합니다.", "수고하세요.", "잘 부탁드립니다."]))
    content = " ".join(p for p in parts if p)
    title = rng.choice(topic.titles) + (f" ({place})" if rng.random() < 0.3 else "")
    location = place if rng.random() < 0.75 else ""
    return title, content, location


def _level(topic: Topic, rng: random.Random) -> str:
    weights = list(topic.levels)
    if not topic.harms:
        weights[0] = 0.0
    if not topic.suggestions:
        weights[3] = 0.0
    return rng.choices(LEVELS, weights=weights)[0]


def _edit(content: str, rng: random.Random) -> str:
    """A resubmission: the same complaint with small changes."""
    text = rng.choice(RESUBMIT) + content
    if rng.random() < 0.5:
        text = text.replace(".", "!", 1)
    if rng.random() < 0.5:
        text += " " + rng.choice(["아직도 그대로입니다.", "빨리 좀 해 주세요.", "답변이 없어 다시 씁니다."])
    return text


def generate(seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    for topic in TOPICS:
        hot = rng.sample(LANDMARKS, 2)
        for _ in range(topic.size):
            level = _level(topic, rng)
            title, content, location = compose(topic, level, rng, hot)
            rows.append(
                {"gold_cluster": topic.key, "gold_urgency": level, "제목": title, "내용": content, "위치": location}
            )
    rng.shuffle(rows)
    originals = list(rows)
    for original in rng.sample(originals, k=len(originals) // 12):  # resubmitted complaints
        rows.insert(rng.randrange(len(rows) + 1), {**original, "내용": _edit(original["내용"], rng), "_dup": original})
    out = []
    for index, row in enumerate(rows, start=1):
        row["접수번호"] = f"2026-{index:05d}"
    for row in rows:
        received = AS_OF - timedelta(minutes=rng.randint(0, 30 * 24 * 60))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = _phone(rng)
        content = row["내용"]
        roll = rng.random()
        if roll < 0.12:
            content += f" 연락은 {phone}로 주세요."
        elif roll < 0.2:
            content = f"저는 {row.get('위치') or rng.choice(DONGS)} 근처에 사는 {name}입니다. " + content
        elif roll < 0.25:
            content += f" 민원인 {name} 씨에게 회신 바랍니다."
        dup = row.get("_dup")
        out.append(
            {
                "접수번호": row["접수번호"],
                "접수일시": received.strftime("%Y-%m-%d %H:%M"),
                "제목": row["제목"],
                "내용": content,
                "위치": row["위치"],
                "민원인": name,
                "연락처": phone,
                "상태": rng.choices(["접수", "처리중", "완료"], weights=[0.6, 0.3, 0.1])[0],
                "gold_cluster": row["gold_cluster"],
                "gold_urgency": row["gold_urgency"],
                "gold_duplicate_of": dup["접수번호"] if dup else "",
            }
        )
    return out


def to_csv(rows: list[dict[str, str]], columns: tuple[str, ...] = HEADER) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def scaled(count: int, seed: int = 11) -> list[dict[str, str]]:
    """`count` complaints for speed measurements (the corpus recomposed with more places and pieces)."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        topic = rng.choice(TOPICS)
        level = _level(topic, rng)
        title, content, location = compose(topic, level, rng, rng.sample(LANDMARKS, 2))
        while len(content) < 260:  # office exports average about 300 characters
            content = content + " " + compose(topic, "보통", rng, [location or rng.choice(LANDMARKS)])[1]
        received = AS_OF - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        rows.append(
            {
                "접수번호": f"B-{index + 1:06d}",
                "접수일시": received.strftime("%Y-%m-%d %H:%M"),
                "제목": title,
                "내용": content,
                "위치": location,
                "민원인": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "연락처": _phone(rng),
                "상태": "접수",
                "gold_cluster": topic.key,
                "gold_urgency": level,
                "gold_duplicate_of": "",
            }
        )
    return rows


if __name__ == "__main__":
    OUT.write_text(to_csv(generate()), encoding="utf-8")
    print(f"wrote {OUT}")
