"""Building blocks and assumptions of the SYNTHETIC demonstration data.

Nothing here is a published figure except where a comment cites docs/sources.md. Every share, title and
distribution below is a demo assumption chosen to look plausible; the data it produces is labelled
synthetic (Applicant.is_synthetic, a "SYNTHETIC" line in every demo post, "(synthetic)" in notes).
"""

from __future__ import annotations

# Size of the funnel where no figure is published for a cycle (demo assumption: "a few hundred
# applicants, about 50 offers", in line with the published years 2013-2019).
DEFAULT_APPLICANTS = 300
DEFAULT_OFFERS = 50

# Shares of the funnel (demo assumptions; MOFA publishes no stage-by-stage counts).
DRAFT_SHARE = 0.03  # applications started but never submitted, on top of the published applicants
SCREENED_OUT_SHARE = 0.12
WITHDRAWN_SHARE = 0.01
SHORTLIST_PER_OFFER = 2.0  # MOFA track: shortlisted (interviewed) per offer
PASS_PER_OFFER = 1.3  # MOFA track: passed the interview per offer
FORWARD_PER_OFFER = 2.5  # organization track: forwarded to the organization per offer
ORGANIZATION_TRACK_SHARE = 0.2  # of applicants, in cycles that have an organization track
# Share of offers that go to the organization track when no split is published: FY2019 had 12 of 52
# (UNDP 4, WFP 4, OECD 4; docs/sources.md, section 2).
ORGANIZATION_TRACK_OFFER_SHARE = 12 / 52
CIVIL_SERVANT_SHARE = 0.08  # of applications from FY2019 (no figure published)
REAPPLICANT_SHARE = (
    0.10  # of a cycle's applicants who applied before (one may sit the exam any number of times)
)
FEMALE_SHARE = 0.6  # women are about 61-62% of Japanese professional staff; used as a demo share
ENGLISH_NAME_SHARE = 0.12  # Japanese nationals with a non-Japanese name (Faker "en_US")
EXTENSION_SHARE = (
    0.15  # dispatches extended to a third year (allowed up to 3 years, docs/sources.md, section 4)
)
EARLY_END_SHARE = 0.25  # of JPOs who win a regular post at their organization: left the dispatch early for it
HELD_SHARE = 0.01  # latest cycle: applications held at each intermediate stage for the demonstration
PENDING_DECISION_SHARE = 0.4  # latest cycle: organizations' decisions still pending (final results Oct-Dec, docs/sources.md, section 3)

# Outcomes at the end of a dispatch (demo assumption: no official post-JPO retention rate exists,
# no official retention rate is published).
OUTCOME_SHARES = {
    "regular_post_same": 0.40,
    "other_organization": 0.15,
    "other_employment": 0.30,
    "unknown": 0.15,
}
CIVIL_SERVANT_OUTCOME_SHARES = {
    "returned_to_ministry": 0.70,
    "regular_post_same": 0.20,
    "other_organization": 0.10,
}

# Home ministries of synthetic civil servants (relative weights; demo assumption).
MINISTRY_WEIGHTS = {
    "MOFA": 2,
    "MOF": 3,
    "METI": 3,
    "MHLW": 3,
    "MAFF": 3,
    "MOE": 3,
    "MEXT": 2,
    "MLIT": 2,
    "MIC": 2,
    "CAO": 2,
    "MOJ": 1,
    "MOD": 1,
    "RA": 1,
    "DA": 1,
    "FSA": 1,
    "CAA": 1,
    "CFA": 1,
}

# Demo login of the ministry HR role (its ministry always has civil servants in the demo).
DEMO_HR_MINISTRY = "MHLW"
DEMO_FOCAL_POINT_ORGANIZATION = "UNDP"

# Synthetic posts: typical JPO titles and fields per organization, and duty stations where the
# organization has an office (city, ISO 3166 alpha-3). No MOFA danger level is set: the real level of
# a real city is a fact this data set does not hold.
POST_TITLES: dict[str, list[tuple[str, str]]] = {
    "UN-SECRETARIAT": [
        ("Associate Political Affairs Officer", "political affairs"),
        ("Associate Economic Affairs Officer", "economic affairs"),
        ("Associate Programme Management Officer", "programme management"),
    ],
    "OHCHR": [("Associate Human Rights Officer", "human rights")],
    "UNDP": [
        ("Programme Analyst (Governance)", "governance"),
        ("Programme Analyst (Climate Change)", "climate change"),
        ("Programme Analyst (Inclusive Growth)", "economic development"),
    ],
    "UNICEF": [
        ("Education Officer", "education"),
        ("Health Officer", "health"),
        ("Child Protection Officer", "child protection"),
        ("WASH Officer", "water and sanitation"),
    ],
    "WFP": [
        ("Programme Policy Officer (Nutrition)", "nutrition"),
        ("Programme Policy Officer (Emergency Preparedness)", "humanitarian response"),
        ("Supply Chain Officer", "logistics"),
    ],
    "UNHCR": [
        ("Associate Protection Officer", "refugee protection"),
        ("Associate Programme Officer", "programme management"),
    ],
    "UNAIDS": [("Strategic Information Officer", "public health")],
    "UNITAR": [("Associate Training Officer", "training")],
    "UNOPS": [
        ("Associate Project Manager (Infrastructure)", "infrastructure"),
        ("Associate Procurement Officer", "procurement"),
    ],
    "UNESCO": [
        ("Associate Programme Specialist (Education)", "education"),
        ("Associate Programme Specialist (Culture)", "culture"),
        ("Associate Programme Specialist (Natural Sciences)", "natural sciences"),
    ],
    "FAO": [
        ("Associate Professional Officer (Fisheries)", "fisheries"),
        ("Associate Professional Officer (Food Security)", "food security"),
        ("Associate Professional Officer (Forestry)", "forestry"),
    ],
    "ICAO": [("Associate Technical Officer (Aviation Environment)", "aviation")],
    "IAEA": [("Associate Nuclear Security Officer", "nuclear security")],
    "CTBTO": [("Associate Verification Officer", "verification")],
    "IOM": [
        ("Associate Migration Programme Officer", "migration"),
        ("Associate Migration Health Officer", "public health"),
    ],
    "OPCW": [("Associate Verification Officer", "verification")],
    "ICC": [("Associate Legal Officer", "international law")],
    "OECD": [
        ("Junior Policy Analyst (Development)", "development economics"),
        ("Junior Policy Analyst (Environment)", "environment"),
    ],
    "WOAH": [("Associate Officer (Animal Health)", "animal health")],
    "GCF": [("Associate Climate Finance Specialist", "climate finance")],
}

DUTY_STATIONS: dict[str, list[tuple[str, str]]] = {
    "UN-SECRETARIAT": [("New York", "USA"), ("Geneva", "CHE"), ("Bangkok", "THA"), ("Nairobi", "KEN")],
    "OHCHR": [("Geneva", "CHE"), ("Bangkok", "THA"), ("New York", "USA")],
    "UNDP": [
        ("New York", "USA"),
        ("Bangkok", "THA"),
        ("Dhaka", "BGD"),
        ("Hanoi", "VNM"),
        ("Phnom Penh", "KHM"),
        ("Ulaanbaatar", "MNG"),
        ("Lusaka", "ZMB"),
        ("Dakar", "SEN"),
    ],
    "UNICEF": [
        ("New York", "USA"),
        ("Kathmandu", "NPL"),
        ("Maputo", "MOZ"),
        ("Dhaka", "BGD"),
        ("Lilongwe", "MWI"),
    ],
    "WFP": [("Rome", "ITA"), ("Bangkok", "THA"), ("Dakar", "SEN"), ("Nairobi", "KEN"), ("Lusaka", "ZMB")],
    "UNHCR": [("Geneva", "CHE"), ("Bangkok", "THA"), ("Kampala", "UGA"), ("Amman", "JOR")],
    "UNAIDS": [("Geneva", "CHE"), ("Bangkok", "THA")],
    "UNITAR": [("Geneva", "CHE"), ("Hiroshima", "JPN")],
    "UNOPS": [("Copenhagen", "DNK"), ("Bangkok", "THA"), ("Nairobi", "KEN")],
    "UNESCO": [("Paris", "FRA"), ("Bangkok", "THA"), ("Jakarta", "IDN")],
    "FAO": [("Rome", "ITA"), ("Bangkok", "THA"), ("Accra", "GHA"), ("Santiago", "CHL")],
    "ICAO": [("Montreal", "CAN"), ("Bangkok", "THA")],
    "IAEA": [("Vienna", "AUT")],
    "CTBTO": [("Vienna", "AUT")],
    "IOM": [("Geneva", "CHE"), ("Bangkok", "THA"), ("Manila", "PHL"), ("Dhaka", "BGD")],
    "OPCW": [("The Hague", "NLD")],
    "ICC": [("The Hague", "NLD")],
    "OECD": [("Paris", "FRA")],
    "WOAH": [("Paris", "FRA"), ("Tokyo", "JPN")],
    "GCF": [("Incheon", "KOR")],
}

# An ILLUSTRATIVE cost table, created only when the database has no cost table at all. No public source
# gives the yen cost of a Japanese JPO (the rates of the UN common system change by year, grade, step and
# duty station): these round figures are MADE UP so that estimates show how costs are computed. The
# table is flagged `is_illustrative`, and every cost computed from it is labelled illustrative.
ILLUSTRATIVE_COST_TABLE_FROM = 2017
ILLUSTRATIVE_COST_SOURCE = "ILLUSTRATIVE figures made up for the demonstration (jpo demo): not real rates"
ILLUSTRATIVE_COST_NOTE = (
    "Made-up round numbers so that cost estimates can be shown. Replace them with the real rates, and "
    "untick 'illustrative', before using any cost."
)
ILLUSTRATIVE_SALARIES = {
    ("P-1", 1): 7_000_000,
    ("P-1", 2): 7_300_000,
    ("P-2", 1): 8_000_000,
    ("P-2", 2): 8_400_000,
    ("P-2", 3): 8_800_000,
}
_ILLUSTRATIVE_HIGH_ALLOWANCE = {
    "New York",
    "Geneva",
    "Paris",
    "Vienna",
    "Rome",
    "Copenhagen",
    "Montreal",
    "The Hague",
    "Tokyo",
    "Hiroshima",
    "Incheon",
}


def illustrative_allowance(city: str) -> int:
    """A made-up yearly allowance: one round figure for headquarters cities, another for field stations."""
    return 2_000_000 if city in _ILLUSTRATIVE_HIGH_ALLOWANCE else 3_000_000
