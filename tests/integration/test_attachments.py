"""Attached office documents reach the assistant as text, masked by the gateway like typed text."""

from __future__ import annotations

from tests.integration.webchat import send
from tests.support.documents import docx_bytes, encrypted_pdf_bytes, hwpx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PHONE = "010-2345-6789"


async def test_docx_and_hwpx_text_reaches_the_model_with_personal_information_masked(start_govbot, fake_openai):
    async with start_govbot() as gb:
        fake_openai.reply_with("요약: 민원인([전화번호#1])은 한빛로 12 가로등 고장을 신고했습니다.")
        result = await send(
            gb.url,
            "첨부 문서를 요약해 줘",
            files=[
                ("민원.docx", docx_bytes([f"민원인 연락처 {PHONE}", "한빛로 12 가로등이 사흘째 꺼져 있습니다."]), DOCX),
                ("회의.hwpx", hwpx_bytes(["회의 결과: 가로등 교체 예산 확보"]), "application/octet-stream"),
            ],
        )
        sent = fake_openai.everything_sent()
        assert result.reply and result.reply["kind"] == "answer", result
        assert "가로등이 사흘째 꺼져" in sent and "가로등 교체 예산 확보" in sent
        assert PHONE not in sent and "[전화번호#1]" in sent
        assert PHONE in result.text  # restored for the official who sent it
        assert result.reply["notice"]


async def test_a_locked_pdf_gets_a_reason_and_the_question_is_still_answered(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(gb.url, "이 문서 요약해 줘", files=[("보안.pdf", encrypted_pdf_bytes(), "application/pdf")])
        assert "보안.pdf" in result.text and "암호" in result.text
        assert len(fake_openai.requests) == 1 and "보안.pdf" not in fake_openai.everything_sent()
