"""Bilingual (English, Japanese) wording used in eligibility messages and by the CLI."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

CRITERION_TITLES: dict[str, dict[str, str]] = {
    "nationality": {"en": "Nationality", "ja": "国籍"},
    "age": {"en": "Age", "ja": "年齢"},
    "degree": {"en": "Degree", "ja": "学位"},
    "experience": {"en": "Work experience", "ja": "職務経験"},
    "language": {"en": "Language", "ja": "語学"},
    "prior_service": {"en": "Prior service", "ja": "国際機関での勤務歴"},
    "civil_servant": {"en": "National civil servants", "ja": "国家公務員"},
}

OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "passed": {"en": "passed", "ja": "適合"},
    "failed": {"en": "not met", "ja": "不適合"},
    "needs_review": {"en": "needs review", "ja": "要確認"},
}

DECISION_LABELS: dict[str, dict[str, str]] = {
    "eligible": {
        "en": "Eligible: every criterion is met.",
        "ja": "応募資格あり：すべての要件を満たしています。",
    },
    "not_eligible": {
        "en": "Not eligible: at least one criterion is not met.",
        "ja": "応募資格なし：満たしていない要件があります。",
    },
    "needs_review": {
        "en": "No criterion failed, but some need review.",
        "ja": "不適合の要件はありませんが、確認が必要な要件があります。",
    },
}

REPORT_TITLE = {"en": "Eligibility self-check", "ja": "応募資格の自己診断"}
RULES_VERSION_LABEL = {"en": "rules version", "ja": "ルール版"}
RESULT_LABEL = {"en": "Result", "ja": "結果"}

VERDICT: dict[str, dict[str, str]] = {
    "passed": {"en": "Passed.", "ja": "要件を満たしています。"},
    "failed": {"en": "Not met.", "ja": "要件を満たしていません。"},
    "needs_review": {"en": "Needs review.", "ja": "確認が必要です。"},
}

DEGREE_NAMES = {
    "bachelor": {"en": "bachelor's", "ja": "学士"},
    "master": {"en": "master's", "ja": "修士"},
    "doctorate": {"en": "doctorate", "ja": "博士"},
}

TEST_NAMES = {
    "toefl_ibt": {"en": "TOEFL iBT", "ja": "TOEFL iBT"},
    "ielts": {"en": "IELTS", "ja": "IELTS"},
    "other": {"en": "another test", "ja": "その他の試験"},
}

EMPLOYMENT_NAMES = {
    "full_time": {"en": "full-time work", "ja": "常勤の勤務"},
    "part_time": {"en": "part-time work", "ja": "パートタイム・アルバイト"},
    "internship": {"en": "internships", "ja": "インターンシップ"},
}


# Dates are worded in every message; bulk screening words the same few thousand dates over and over
# (dates and strings are immutable).
@lru_cache(maxsize=65536)
def d_en(day: date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


@lru_cache(maxsize=65536)
def d_ja(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def fy_en(fiscal_year: int) -> str:
    return f"FY{fiscal_year}"


def fy_ja(fiscal_year: int) -> str:
    return f"{fiscal_year}年度"


def join_en(items: list[str], word: str = "or") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def join_ja(items: list[str], word: str = "または") -> str:
    return word.join(items) if word != "、" else "、".join(items)
