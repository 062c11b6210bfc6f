"""Published figures shipped with the app (docs/sources.md, section 5), each with its citation.

Census series live as CSV files in `data/` in the import format and go through the same checks as any
upload. Years with no published figure have no row: they are missing, never interpolated.
"""

from __future__ import annotations

import datetime as dt

CEB_CITATION = (
    "UN System Chief Executives Board (CEB) personnel statistics, staff with contracts of one year or more, "
    "as at 31 December (report CEB/2020/HLCM/HR/12; https://unsceb.org/human-resources-statistics); "
    "data set UN-ICC/ICC-Data-Hackathon-2021, UN75/Human Resources Data/organization_2019.csv (commit 0b6ce5fb)"
)

# (shipped file, census source, description)
REFERENCE_FILES: tuple[tuple[str, str], ...] = (
    ("mofa_japanese_staff.csv", "mofa"),
    ("un_secretariat_staff.csv", "un_secretariat"),
    ("press_nationality_2016.csv", "press"),
    ("ceb_nationality_2021.csv", "ceb"),
)
CEB_ORGANIZATION_FILE = "organization_2019.csv"

# CEB organization codes -> (name in English, name in Japanese, kind). Names are the organizations' own;
# the kind is this project's classification (programme.OrganizationKind), "other" where none fits.
CEB_ORGANIZATIONS: dict[str, tuple[str, str, str]] = {
    "CTBTO": (
        "Preparatory Commission for the Comprehensive Nuclear-Test-Ban Treaty Organization",
        "包括的核実験禁止条約機関準備委員会",
        "related",
    ),
    "FAO": (
        "Food and Agriculture Organization of the United Nations",
        "国際連合食糧農業機関",
        "specialized_agency",
    ),
    "IAEA": ("International Atomic Energy Agency", "国際原子力機関", "related"),
    "ICAO": ("International Civil Aviation Organization", "国際民間航空機関", "specialized_agency"),
    "ICJ": ("International Court of Justice", "国際司法裁判所", "other"),
    "ICSC": ("International Civil Service Commission", "国際人事委員会", "other"),
    "IFAD": ("International Fund for Agricultural Development", "国際農業開発基金", "specialized_agency"),
    "ILO": ("International Labour Organization", "国際労働機関", "specialized_agency"),
    "IMO": ("International Maritime Organization", "国際海事機関", "specialized_agency"),
    "IOM": ("International Organization for Migration", "国際移住機関", "related"),
    "ISA": ("International Seabed Authority", "国際海底機構", "other"),
    "ITC": ("International Trade Centre", "国際貿易センター", "other"),
    "ITCILO": ("International Training Centre of the ILO", "ILO国際研修センター", "other"),
    "ITLOS": ("International Tribunal for the Law of the Sea", "国際海洋法裁判所", "other"),
    "ITU": ("International Telecommunication Union", "国際電気通信連合", "specialized_agency"),
    "PAHO": ("Pan American Health Organization", "汎米保健機構", "other"),
    "UN": ("United Nations Secretariat", "国際連合事務局", "secretariat"),
    "UN WOMEN": (
        "United Nations Entity for Gender Equality and the Empowerment of Women",
        "ジェンダー平等と女性のエンパワーメントのための国連機関",
        "fund_programme",
    ),
    "UNAIDS": ("Joint United Nations Programme on HIV/AIDS", "国連合同エイズ計画", "fund_programme"),
    "UNDP": ("United Nations Development Programme", "国連開発計画", "fund_programme"),
    "UNESCO": (
        "United Nations Educational, Scientific and Cultural Organization",
        "国連教育科学文化機関",
        "specialized_agency",
    ),
    "UNFCCC": (
        "United Nations Framework Convention on Climate Change secretariat",
        "国連気候変動枠組条約事務局",
        "other",
    ),
    "UNFPA": ("United Nations Population Fund", "国連人口基金", "fund_programme"),
    "UNHCR": (
        "Office of the United Nations High Commissioner for Refugees",
        "国連難民高等弁務官事務所",
        "fund_programme",
    ),
    "UNICC": ("United Nations International Computing Centre", "国連国際計算センター", "other"),
    "UNICEF": ("United Nations Children's Fund", "国連児童基金", "fund_programme"),
    "UNIDO": ("United Nations Industrial Development Organization", "国連工業開発機関", "specialized_agency"),
    "UNITAR": ("United Nations Institute for Training and Research", "国連訓練調査研究所", "other"),
    "UNJSPF": ("United Nations Joint Staff Pension Fund", "国連合同職員年金基金", "other"),
    "UNOPS": (
        "United Nations Office for Project Services",
        "国連プロジェクト・サービス機関",
        "fund_programme",
    ),
    "UNRWA": (
        "United Nations Relief and Works Agency for Palestine Refugees in the Near East",
        "国連パレスチナ難民救済事業機関",
        "fund_programme",
    ),
    "UNSSC": ("United Nations System Staff College", "国連システム・スタッフ・カレッジ", "other"),
    "UNU": ("United Nations University", "国連大学", "other"),
    "UNWTO": ("World Tourism Organization", "世界観光機関", "specialized_agency"),
    "UPU": ("Universal Postal Union", "万国郵便連合", "specialized_agency"),
    "WFP": ("World Food Programme", "国連世界食糧計画", "fund_programme"),
    "WHO": ("World Health Organization", "世界保健機関", "specialized_agency"),
    "WIPO": ("World Intellectual Property Organization", "世界知的所有権機関", "specialized_agency"),
    "WMO": ("World Meteorological Organization", "世界気象機関", "specialized_agency"),
}

SLIDE_2013 = (
    "MOFA JPO slide (c.2015, copy): https://123deta.com/document/yd2e1n6q-%E6%B4%BE%E9%81%A3%E5%88%B6%E5%BA%A6"
    "%E5%9B%BD%E9%80%A3%E9%96%A2%E4%BF%82%E6%A9%9F%E9%96%A2%E3%81%AE%E9%82%A6%E4%BA%BA%E8%81%B7%E5%93%A1%E6%95%B0"
    "%E5%8F%8A%E3%81%B3%E7%B5%8C%E9%A8%93%E8%80%85%E6%95%B0%E7%B5%8C%E9%A8%93%E8%80%85%E3%81%AE%E5%89%B2%E5%90%88"
    "%E3%81%8C%E5%A4%9A%E3%81%84%E5%9B%BD%E9%9A%9B%E6%A9%9F%E9%96%A2%E5%B9%B4%E6%9C%88%E6%97%A5%E7%8F%BE%E5%9C%A8"
    "%E6%97%A5%E6%9C%AC%E4%BA%BA%E8%81%B7%E5%93%A1%E6%95%B0%E5%87%BA%E8%BA%AB%E5%89%B2%E5%90%88.html"
)


# (reference date, label, organization code or None, senior only, former JPOs, of staff, statement, citation)
FORMER_JPO_FIGURES: tuple[tuple[dt.date, str, str | None, bool, int | None, int | None, str, str], ...] = (
    (dt.date(2013, 12, 31), "31 Dec 2013", "UNHCR", False, 51, 58, "", SLIDE_2013),
    (dt.date(2013, 12, 31), "31 Dec 2013", "UNICEF", False, 48, 71, "", SLIDE_2013),
    (dt.date(2013, 12, 31), "31 Dec 2013", "WFP", False, 29, 43, "", SLIDE_2013),
    (
        dt.date(2015, 12, 31),
        "end 2015",
        None,
        False,
        361,
        793,
        "",
        "eduweb 2017; Kenya embassy 2017 http://www.ke.emb-japan.go.jp/itpr_ja/00_000893.html",
    ),
    (
        dt.date(2017, 12, 31),
        "2017/18",
        None,
        False,
        None,
        None,
        "more than about 40%",
        "myedu 2018 (URL not recorded)",
    ),
    (
        dt.date(2018, 12, 31),
        "end 2018",
        None,
        False,
        None,
        882,
        "nearly 50%",
        "MOFA 2020 release, copy at gov-base (URL not recorded)",
    ),
    (
        dt.date(2022, 12, 31),
        "end 2022",
        None,
        False,
        468,
        961,
        "",
        "https://nyseikatsu.com/ny-news/02/2024/40295",
    ),
    (
        dt.date(2022, 12, 31),
        "end 2022",
        None,
        True,
        39,
        91,
        "",
        "https://nyseikatsu.com/ny-news/02/2024/40295",
    ),
    (
        dt.date(2024, 1, 1),
        "2024",
        None,
        False,
        None,
        None,
        "nearly half of about 960",
        "[MOFA] https://www.mofa-irc.go.jp/jpo/JPO50years.html",
    ),
)

TARGETS: tuple[dict[str, object], ...] = (
    {
        "slug": "1000-by-2025",
        "name": "1,000 Japanese staff at UN-related agencies by 2025",
        "name_ja": "2025年までに国連関係機関の日本人職員1,000人",
        "headcount": 1000,
        "deadline": dt.date(2025, 12, 31),
        "deadline_label": "end 2025",
        "baseline_headcount": 793,
        "baseline_date": dt.date(2015, 12, 31),
        "baseline_label": "end 2015",
        "scope": "Japanese staff in professional and higher posts at UN-related agencies (MOFA count)",
        "source_document": "Japan Revitalization Strategy (revised 2015), schedule; Cabinet decision, June 2015",
        "citation": "[MOFA] https://www.mofa.go.jp/press/kaiken/kaiken4e_000840.html ; "
        "[Diet] https://clips.politylink.jp/clip/3796",
    },
    {
        "slug": "plus-10pct-by-2009",
        "name": "+10% over January 2004 by January 2009",
        "name_ja": "2009年1月までに2004年1月比10%増",
        "headcount": 671,
        "deadline": dt.date(2009, 1, 1),
        "deadline_label": "Jan 2009",
        "baseline_headcount": 610,
        "baseline_date": dt.date(2004, 1, 1),
        "baseline_label": "Jan 2004",
        "scope": "Japanese staff in professional and higher posts at UN-related agencies (MOFA count); "
        "+10% over 610 is 671",
        "source_document": "MOFA policy evaluation, April 2006",
        "citation": "[MOFA] https://www.mofa.go.jp/mofaj/annai/shocho/hyouka/hyoukasho18/h18_s_1_1_11_7.html",
        "is_active": True,
    },
)
