"""The synthetic demonstration data as a plan: pure Python, no database, deterministic for a seed.

`build_plan(seed=..., scale=..., today=...)` returns the same people, applications, status paths, posts
and dispatches every time for the same arguments: every random draw comes from a `random.Random` (and
a Faker instance) seeded from the seed and a stable key ("person:17", "cycle:2019", ...), never from
the clock. Only `jpo.demo.load` touches the database.

The plan is placed relative to `today` (the day the demo is first loaded): the real cycles of the
reference data keep their real windows; after the last of them, SYNTHETIC cycles follow, one per
fiscal year, up to the cycle that is open for applications on `today` (its window is placed around
`today`). The cycle before it is in its later stages, older ones are finished. Nothing dated after
`today` has happened yet: a status change after `today` is left out, an application created after
`today` does not exist.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from faker import Faker

from jpo.applications.workflow import Status
from jpo.core.errors import DomainError
from jpo.demo import catalogue as cat
from jpo.policy import Overlay, UnknownCycleError, evaluate
from jpo.programme.services import (
    cycle_reference_date,
    max_organizations,
    organization_track_codes,
    reference_cycle_facts,
    reference_cycles,
    reference_ministries,
    reference_organizations,
)

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
S = Status
SYNTHETIC = "Synthetic demonstration data (jpo demo)"
HELD = "Synthetic demonstration data (jpo demo): held at this stage so that every stage of the workflow can be seen"
DEMO_APPLICANT_EMAIL = "applicant@example.jp"

# Status paths. Every application starts as a draft; each later status is one application_transition.
_PRE = (S.DRAFT, S.SUBMITTED)
_REVIEW = (*_PRE, S.ELIGIBLE, S.UNDER_REVIEW)
PATHS: dict[str, tuple[Status, ...]] = {
    "draft": (S.DRAFT,),
    "draft_withdrawn": (S.DRAFT, S.WITHDRAWN),
    "submitted_withdrawn": (*_PRE, S.WITHDRAWN),
    "screened_out": (*_PRE, S.SCREENED_OUT),
    "override": (*_PRE, S.SCREENED_OUT, S.ELIGIBLE, S.UNDER_REVIEW, S.NOT_SHORTLISTED),
    "eligible_withdrawn": (*_PRE, S.ELIGIBLE, S.WITHDRAWN),
    "not_shortlisted": (*_REVIEW, S.NOT_SHORTLISTED),
    # MOFA track
    "interview_withdrawn": (*_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.WITHDRAWN),
    "not_passed": (*_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.NOT_PASSED),
    "passed_withdrawn": (*_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.PASSED, S.WITHDRAWN),
    "not_selected": (*_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.PASSED, S.RECOMMENDED, S.NOT_SELECTED),
    "selected": (*_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.PASSED, S.RECOMMENDED, S.SELECTED),
    "declined": (*_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.PASSED, S.RECOMMENDED, S.SELECTED, S.WITHDRAWN),
    # Organization track
    "org_not_selected": (*_REVIEW, S.SHORTLISTED, S.FORWARDED, S.NOT_SELECTED),
    "org_selected": (*_REVIEW, S.SHORTLISTED, S.FORWARDED, S.SELECTED),
    "org_withdrawn": (*_REVIEW, S.SHORTLISTED, S.FORWARDED, S.WITHDRAWN),
}

# Days after the close of the application window at which each decision falls (the calendar of
# The published calendar (docs/sources.md, section 3): 1st results end of April-May, 2nd review May-July, recommendation from August,
# final results mostly October-December). Demo approximation.
_DECISION_DAYS: dict[Status, tuple[int, int]] = {
    S.SCREENED_OUT: (5, 30),
    S.ELIGIBLE: (5, 30),
    S.UNDER_REVIEW: (33, 38),
    S.SHORTLISTED: (50, 60),
    S.NOT_SHORTLISTED: (50, 60),
    S.FORWARDED: (62, 70),
    S.INTERVIEW: (65, 90),
    S.PASSED: (120, 135),
    S.NOT_PASSED: (120, 135),
    S.RECOMMENDED: (150, 160),
    S.SELECTED: (215, 260),
    S.NOT_SELECTED: (215, 260),
}
APPLICANT_MOVES = frozenset({S.SUBMITTED, S.WITHDRAWN})
# Approved posts waiting for the recommended or forwarded candidates of the cycle in its later stages, at
# most (a demo choice: enough offers to show every state, few enough to keep the first load short).
WAITING_POSTS = 8
OVERRIDE_REASON = (
    f"{SYNTHETIC}: the officer reviewed the documents and overrode the screening "
    "(an officer's judgement, not a rule)"
)


@dataclass(frozen=True)
class Step:
    status: Status
    at: dt.datetime
    reason: str


@dataclass
class PostPlan:
    ref: str  # "DEMO-FY2019-P007": the post's stable key, written into its terms of reference
    fiscal_year: int
    organization: str
    title: str
    field: str
    duty_station: str
    country_iso3: str
    status: str


@dataclass
class DispatchPlan:
    post_ref: str
    start: dt.date
    planned_end: dt.date
    actual_end: dt.date  # the day it ends (or will end); it has ended when actual_end <= today
    extension_reason: str
    outcome_kind: str
    outcome_organization: str | None
    outcome_grade: str
    outcome_contract: str
    outcome_delay_days: int  # outcome recorded this many days after the end
    consent_on: dt.date | None = None  # civil servants only
    planned_return: dt.date | None = None


@dataclass
class ApplicationPlan:
    fiscal_year: int
    track: str  # "mofa" | "organization"
    steps: list[Step]
    created_at: dt.datetime
    preferences: list[str]  # organization codes in order of preference
    forwarded_to: str | None = None
    ministry: str | None = None  # civil servants only (from FY2019)
    dispatch: DispatchPlan | None = None
    # What the applicant declared, in the `jpo.policy` profile format (degrees, employment, tests),
    # made so that the policy's answer agrees with the screening outcome of `steps`.
    degrees: list[dict[str, str]] = field(default_factory=list)
    employment: list[dict[str, str | None]] = field(default_factory=list)
    language_tests: list[dict[str, object]] = field(default_factory=list)
    screening: str = ""  # "passed" | the id of the criterion it failed | "" (never screened)

    @property
    def status(self) -> Status:
        return self.steps[-1].status if self.steps else S.DRAFT

    @property
    def is_civil_servant(self) -> bool:
        return self.ministry is not None

    @property
    def submitted_at(self) -> dt.datetime | None:
        return next((s.at for s in self.steps if s.status == S.SUBMITTED), None)


@dataclass(eq=False)  # a person is themself: compared by identity (the pool removes people often)
class PersonPlan:
    index: int
    email: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    birth_date: dt.date
    sex: str
    applications: list[ApplicationPlan] = field(default_factory=list)


@dataclass
class CycleInfo:
    fiscal_year: int
    opens: dt.datetime
    closes: dt.datetime
    age_day: dt.date  # day on which ages are computed when generating birth dates
    organization_track: list[str]
    organizations: list[str]  # with an agreement in force
    max_preferences: int
    synthetic: bool = False  # a demo cycle after the reference data: its window is written to the cycle


@dataclass
class Plan:
    seed: int
    scale: float
    today: dt.date
    people: list[PersonPlan]
    posts: list[PostPlan]
    cycles: list[CycleInfo]

    @property
    def open_cycle(self) -> CycleInfo:
        return self.cycles[-1]

    def applications(self) -> list[tuple[PersonPlan, ApplicationPlan]]:
        return [(p, a) for p in self.people for a in p.applications]

    def summary(self) -> list[tuple[str, str, str, str, list[tuple[int, str, str]]]]:
        """What must be equal for two runs with the same seed: people and their statuses."""
        return [
            (
                p.email,
                p.family_name,
                p.given_name,
                p.birth_date.isoformat(),
                [(a.fiscal_year, a.track, a.status.value) for a in p.applications],
            )
            for p in self.people
        ]


# --- helpers -------------------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February -> 28 February
        return day.replace(year=day.year + years, day=28)


def _quotas(total: int, shares: dict[str, float]) -> list[str]:
    """Largest-remainder split of `total` items by `shares`, as a list of labels."""
    weight = sum(shares.values())
    raw = {k: total * v / weight for k, v in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    rest = total - sum(counts.values())
    for k in sorted(raw, key=lambda k: (raw[k] - counts[k], k), reverse=True)[:rest]:
        counts[k] += 1
    return [k for k in shares for _ in range(counts[k])]


def _rng(key: str) -> random.Random:
    """A generator for one stable key: deterministic across processes (a str seed is hashed with SHA-512)."""
    return random.Random(key)  # noqa: S311 - demo data, not cryptography


def _at(rng: random.Random, day: dt.date, *, office_hours: bool = True) -> dt.datetime:
    hour = rng.randint(9, 17) if office_hours else rng.randint(7, 23)
    return dt.datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=TOKYO)


class DemoDateError(DomainError, ValueError):
    """`today` is too early for the demo (before the last real cycle of the reference data opened)."""

    code = "demo.date"


# Synthetic cycles: the window of the open one starts this many days before `today` and closes this
# many days after it (18:00 JST, as FY2026's did); earlier synthetic cycles get the window pattern of
# FY2019-FY2026 (early February to early March). Demo choices, labelled synthetic on the cycle.
OPEN_DAYS_BEFORE = 14
OPEN_DAYS_AFTER = 30
SYNTHETIC_CYCLE_SOURCE = (
    "SYNTHETIC demonstration cycle (jpo demo): its windows are placed relative to the day the demo was "
    "loaded; not a real call for applications."
)


def _organizations_in_force(fy: int, agreements: dict[str, int]) -> list[str]:
    return sorted(code for code, start in agreements.items() if start <= fy)


def _info(fy: int, open_at: dt.datetime, close_at: dt.datetime, agreements: dict[str, int]) -> CycleInfo:
    # Ages are generated against the policy's reference date; where it is unknown, against the
    # nearest pattern (1 April up to FY2018, 1 February from FY2019) — for synthetic birth dates only.
    age_day = cycle_reference_date(fy) or (dt.date(fy, 2, 1) if fy >= 2019 else dt.date(fy, 4, 1))
    return CycleInfo(
        fiscal_year=fy,
        opens=open_at,
        closes=close_at,
        age_day=age_day,
        # Synthetic organization-track applications only where the policy knows the list.
        organization_track=organization_track_codes(fy) or [],
        organizations=_organizations_in_force(fy, agreements),
        # Up to 3 organizations from FY2025 (jpo.policy max_organizations). Before: unknown; the
        # 2019 guide speaks of a "first-choice organization", so the demo names up to 2.
        max_preferences=max_organizations(fy) or 2,
    )


def plan_cycles(today: dt.date) -> list[CycleInfo]:
    """The reference cycles, then synthetic ones up to the cycle open for applications on `today`."""
    agreements = {
        row["code"]: int(row["agreement"]["starts_fiscal_year"]) for row in reference_organizations()
    }
    infos = []
    for row in sorted(reference_cycles(), key=lambda r: int(r["fiscal_year"])):
        fy = int(row["fiscal_year"])
        close = row.get("applications_close")
        opens = row.get("applications_open")
        # Unknown windows: the demo places its synthetic timestamps as if the window were 1 Feb - 4 Mar
        # (the pattern of FY2019-FY2024). These instants are NOT written to the cycle, which stays empty.
        close_at = (
            dt.datetime.fromisoformat(str(close)).astimezone(TOKYO)
            if close
            else dt.datetime(fy, 3, 4, 23, 59, tzinfo=TOKYO)
        )
        open_at = (
            dt.datetime.fromisoformat(str(opens)).astimezone(TOKYO)
            if opens
            else close_at - dt.timedelta(days=31)
        )
        if not close:
            close_at = max(close_at, open_at + dt.timedelta(days=31))
        infos.append(_info(fy, open_at, close_at, agreements))
    last = infos[-1]
    if today < last.opens.date():
        raise DemoDateError(
            f"the demo needs a day on or after {last.opens.date().isoformat()} (when FY{last.fiscal_year}, "
            f"the last cycle of the reference data, opened), not {today.isoformat()}"
        )
    if today <= last.closes.date():
        return infos  # the last real cycle is itself open on `today`
    # The cycle of fiscal year N takes applications early in calendar year N (FY2026: February 2026);
    # from April, the next one to open is N + 1.
    open_fy = max(last.fiscal_year + 1, today.year if today.month <= 3 else today.year + 1)
    for fy in range(last.fiscal_year + 1, open_fy):
        info = _info(
            fy,
            dt.datetime(fy, 2, 1, tzinfo=TOKYO),
            dt.datetime(fy, 3, 3, 18, 0, tzinfo=TOKYO),
            agreements,
        )
        info.synthetic = True
        infos.append(info)
    previous_close = infos[-1].closes.date()
    opens_on = max(today - dt.timedelta(days=OPEN_DAYS_BEFORE), previous_close + dt.timedelta(days=1))
    closes_on = today + dt.timedelta(days=OPEN_DAYS_AFTER)
    info = _info(
        open_fy,
        dt.datetime(opens_on.year, opens_on.month, opens_on.day, tzinfo=TOKYO),
        dt.datetime(closes_on.year, closes_on.month, closes_on.day, 18, 0, tzinfo=TOKYO),
        agreements,
    )
    info.synthetic = True
    infos.append(info)
    return infos


class _PersonFactory:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.fake_ja = Faker("ja_JP")
        self.fake_en = Faker("en_US")
        self.count = 0

    def make(
        self, *, age_day: dt.date, age: int, email: str | None = None, english: bool | None = None
    ) -> PersonPlan:
        self.count += 1
        index = self.count
        rng = _rng(f"{self.seed}:person:{index}")
        female = rng.random() < cat.FEMALE_SHARE
        sex = "undisclosed" if rng.random() < 0.02 else ("female" if female else "male")
        draw = rng.random() < cat.ENGLISH_NAME_SHARE
        if draw if english is None else english:
            self.fake_en.seed_instance(rng.getrandbits(32))
            family, given = (
                self.fake_en.last_name(),
                (self.fake_en.first_name_female() if female else self.fake_en.first_name_male()),
            )
            family_kana = given_kana = ""
            domain = "example.com"
        else:
            self.fake_ja.seed_instance(rng.getrandbits(32))
            family, family_kana, _ = self.fake_ja.last_name_pair()
            given, given_kana, _ = (
                self.fake_ja.first_name_female_pair() if female else self.fake_ja.first_name_male_pair()
            )
            domain = "example.jp"
        # Born so that the person is `age` on `age_day` (and not yet `age + 1`).
        latest = add_years(age_day, -age)
        birth = latest - dt.timedelta(days=rng.randint(0, 364))
        return PersonPlan(
            index=index,
            email=email or f"demo.applicant.{index:05d}@{domain}",
            family_name=family,
            given_name=given,
            family_name_kana=family_kana,
            given_name_kana=given_kana,
            birth_date=birth,
            sex=sex,
        )


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _steps(*, path: Sequence[Status], info: CycleInfo, rng: random.Random) -> tuple[dt.datetime, list[Step]]:
    """Timestamps and reasons for the moves of `path` (its first element, draft, is the starting status)."""
    window = max(1, int((info.closes - info.opens).total_seconds() // 3600))
    submitted = info.opens + dt.timedelta(hours=rng.randint(window // 3, window - 1))
    created = submitted - dt.timedelta(hours=rng.randint(24, 24 * 20))
    created = max(created, info.opens)
    steps: list[Step] = []
    previous = created
    close_day = info.closes.date()
    december_15 = dt.date(info.fiscal_year, 12, 15)
    for status in path[1:]:
        if status == S.SUBMITTED:
            at = submitted if path[-1] != S.WITHDRAWN or len(path) > 2 else previous
        elif status == S.WITHDRAWN:
            at = previous + dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
        else:
            low, high = _DECISION_DAYS[status]
            day = min(close_day + dt.timedelta(days=rng.randint(low, high)), december_15)
            at = _at(rng, day)
        if status == S.WITHDRAWN and len(path) == 2:  # a draft abandoned during the window
            at = min(at, info.closes - dt.timedelta(hours=1))
        at = max(at, previous + dt.timedelta(hours=1))
        reason = SYNTHETIC
        if status == S.ELIGIBLE and S.SCREENED_OUT in path:
            reason = OVERRIDE_REASON
        elif status == S.WITHDRAWN:
            reason = f"{SYNTHETIC}: withdrawn by the applicant"
        steps.append(Step(status=status, at=at, reason=reason))
        previous = at
    return created, steps


# --- the plan ------------------------------------------------------------------------------------


def _until(steps: list[Step], cutoff: dt.datetime) -> list[Step]:
    """The steps that have happened before `cutoff` (a path is cut, never reordered)."""
    kept = []
    for step in steps:
        if step.at >= cutoff:
            break
        kept.append(step)
    return kept


def build_plan(
    *, seed: int, scale: float = 1.0, today: dt.date, rules: Mapping[int, Overlay] | None = None
) -> Plan:
    """The whole synthetic data set for `seed` at `scale` (1.0 = a few hundred applicants per cycle),
    as it stands at the end of `today` (see the module docstring). `rules`: the published rule set
    (as a `jpo.policy.Overlay`) of each cycle the policy's YAML history does not know."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    facts = reference_cycle_facts()
    infos = plan_cycles(today)
    cutoff = dt.datetime(today.year, today.month, today.day, tzinfo=TOKYO) + dt.timedelta(days=1)
    ministries = {row["code"]: row.get("established") for row in reference_ministries()}
    factory = _PersonFactory(seed)
    people: list[PersonPlan] = []
    posts: list[PostPlan] = []
    open_fy = infos[-1].fiscal_year
    previous_fy = infos[-2].fiscal_year  # in its later stages: decisions pending, dispatches to come
    # Unsuccessful earlier applicants who may try again: (person, fiscal year of last application).
    pool: list[PersonPlan] = []

    # The applicant demo login: one synthetic person with a past and a current application.
    demo_person = factory.make(age_day=infos[-1].age_day, age=31, email=DEMO_APPLICANT_EMAIL, english=False)

    for info in infos:
        fy = info.fiscal_year
        rng = _rng(f"{seed}:cycle:{fy}")
        fact = facts.get(fy)
        applicants = max(
            10, round((fact.applicants if fact and fact.applicants else cat.DEFAULT_APPLICANTS) * scale)
        )
        offers = max(2, round((fact.offers if fact and fact.offers else cat.DEFAULT_OFFERS) * scale))
        org_codes = info.organization_track
        n_org = round(applicants * cat.ORGANIZATION_TRACK_SHARE) if org_codes else 0
        by_org: dict[str, int] = {}
        if org_codes:
            published = {k: v for k, v in (fact.offers_by_track if fact else {}).items() if k != "mofa"}
            total_org_offers = (
                sum(published.values()) if published else offers * cat.ORGANIZATION_TRACK_OFFER_SHARE
            )
            s_org = max(1, round(total_org_offers * scale if published else total_org_offers))
            weights = (
                {c: float(published.get(c, 1)) for c in org_codes}
                if published
                else dict.fromkeys(org_codes, 1.0)
            )
            by_org = {c: 0 for c in org_codes}
            for code in _quotas(s_org, weights):
                by_org[code] += 1
        else:
            s_org = 0
        n_mofa = applicants - n_org
        s_mofa = offers - s_org

        labels = _mofa_funnel(n_mofa, s_mofa)
        org_labels = _org_funnel(n_org, s_org)
        drafts = max(1, round(applicants * cat.DRAFT_SHARE))
        draft_labels = ["draft_withdrawn" if i % 3 == 2 else "draft" for i in range(drafts)]
        entries: list[tuple[str, str]] = [("mofa", lb) for lb in labels + draft_labels] + [
            ("organization", lb) for lb in org_labels
        ]
        rng.shuffle(entries)

        # Organization-track organizations: selected ones follow the per-organization offers.
        selected_orgs = [c for c, n in by_org.items() for _ in range(n)]
        rng.shuffle(selected_orgs)

        # Reapplicants first (from the pool), then new people.
        reapply = round(len(entries) * cat.REAPPLICANT_SHARE) if pool else 0
        candidates = [p for p in pool if _age_on(p.birth_date, info.age_day) <= 35]
        rng.shuffle(candidates)
        returning = candidates[:reapply]
        # Latest cycle: the fixed "snapshot" (decisions pending, some applications held at each stage).
        held = _held_indexes(entries, rng) if fy == previous_fy else {}

        cycle_posts: list[PostPlan] = []
        # National civil servants: excluded FY2006-FY2018, allowed again from FY2019.
        # Some of the offers go to civil servants (so that secondments exist), others apply at random.
        servants: set[int] = set()
        if fy >= 2019:
            chosen = [i for i, (_, lb) in enumerate(entries) if lb in {"selected", "org_selected"}]
            servants = set(
                rng.sample(chosen, min(len(chosen), max(1, round(len(chosen) * cat.CIVIL_SERVANT_SHARE))))
            )
            servants |= {
                i
                for i, (_, lb) in enumerate(entries)
                if lb != "draft" and rng.random() < cat.CIVIL_SERVANT_SHARE
            }
        first_selected_servant = min(
            (i for i in servants if entries[i][1] in {"selected", "org_selected"}), default=-1
        )
        # ... and, from FY2019, the first civil servant of each cycle not selected: the ministry HR login
        # then has endorsement requests in every cycle, some still to decide (jpo.demo.load).
        first_other_servant = min(
            (
                i
                for i in servants
                if entries[i][1] not in {"selected", "org_selected", "declined", "draft_withdrawn"}
            ),
            default=-1,
        )
        for i, (track, label) in enumerate(entries):
            app_rng = _rng(f"{seed}:application:{fy}:{i}")
            path = PATHS[label]
            # The criterion a screened-out application fails (English tests mandatory from FY2022).
            wanted = app_rng.choice(["age", "degree", "experience"] + (["language"] if fy >= 2022 else []))
            if i < len(returning):
                person = returning[i]
                pool.remove(person)
                if wanted == "age":  # a returning applicant is still within the age limit
                    wanted = "degree"
            else:
                # (not in the open cycle: the portal refuses a submission that fails a criterion)
                over_age = label == "screened_out" and wanted == "age" and fy != open_fy
                age = (
                    36
                    if over_age
                    else app_rng.choice([26, 27, 28, 28, 29, 29, 30, 30, 31, 31, 32, 33, 34, 35])
                )
                person = factory.make(age_day=info.age_day, age=age)
            if i in held:
                path = path[: path.index(held[i]) + 1]
            created, steps = _steps(path=path, info=info, rng=app_rng)
            if created >= cutoff:
                continue  # not started yet on `today`
            steps = _until(steps, cutoff)
            if not person.applications:
                people.append(person)
            if (
                i in held
                and held[i] not in {S.RECOMMENDED, S.FORWARDED}
                and steps[-1:]
                and steps[-1].status == held[i]
            ):
                last = steps[-1]
                steps[-1] = Step(status=last.status, at=last.at, reason=HELD)
            app = ApplicationPlan(
                fiscal_year=fy, track=track, steps=steps, created_at=created, preferences=[]
            )
            if track == "organization":
                org = selected_orgs.pop() if label == "org_selected" else app_rng.choice(org_codes)
                app.preferences = [org]
                if S.FORWARDED in path:
                    app.forwarded_to = org
            else:
                k = app_rng.randint(1, info.max_preferences)
                app.preferences = app_rng.sample(info.organizations, k)
            if i in servants:
                # The ministry HR demo login's ministry always has a seconded JPO (FY2019's first one).
                if (fy == 2019 and i == first_selected_servant) or i == first_other_servant:
                    app.ministry = cat.DEMO_HR_MINISTRY
                else:
                    app.ministry = _ministry(app_rng, ministries, info)
            _declare(seed=seed, person=person, app=app, info=info, wanted_fail=wanted, rules=rules)
            if app.status == S.SELECTED or (label == "declined" and app.status == S.WITHDRAWN):
                post = _post(app_rng, fy, len(cycle_posts) + 1, app.forwarded_to or app.preferences[0])
                cycle_posts.append(post)
                if label == "declined":
                    post.status = "withdrawn"
                elif fy <= previous_fy:  # the previous cycle's selected candidates leave by 31 January
                    post.status = "filled"
                    app.dispatch = _dispatch(
                        app_rng, app, post, soon_after=today if fy == previous_fy else None
                    )
                else:
                    post.status = "approved"
            elif (
                fy == previous_fy
                and app.status in {S.RECOMMENDED, S.FORWARDED}
                and sum(1 for p in cycle_posts if p.status == "approved") < WAITING_POSTS
            ):
                # A candidate still waiting for a post: an approved post at the organization they are
                # recommended or forwarded to, for the officers' matching (jpo.demo.load: offers).
                post = _post(app_rng, fy, len(cycle_posts) + 1, app.forwarded_to or app.preferences[0])
                post.status = "approved"
                cycle_posts.append(post)
            person.applications.append(app)
            if app.status not in {S.SELECTED} and label not in {"draft", "declined"} and fy != open_fy:
                pool.append(person)
        # Posts that were not filled (proposed, refused, withdrawn or left open).
        for _ in range(max(1, round(offers * 0.3))):
            org = rng.choice(info.organizations)
            post = _post(rng, fy, len(cycle_posts) + 1, org)
            post.status = rng.choice(
                ["proposed", "approved"] if fy >= previous_fy else ["approved", "refused", "withdrawn"]
            )
            cycle_posts.append(post)
        posts.extend(cycle_posts)
        _assign_outcomes(_rng(f"{seed}:outcomes:{fy}"), fy, people, infos)

    # The demo login's own applications: one in the previous cycle (not passed in the end, as far as
    # it has got by `today`) and one submitted in the open cycle.
    demo_rng = _rng(f"{seed}:demo-applicant")
    for info, path in (
        (infos[-2], PATHS["not_passed"]),
        (infos[-1], PATHS["submitted_withdrawn"][:-1]),
    ):
        created, steps = _steps(path=path, info=info, rng=demo_rng)
        if info is infos[-1]:  # submitted in the open window, by `today`
            created = info.opens
            at = min(info.opens + dt.timedelta(hours=2), cutoff - dt.timedelta(hours=1))
            steps = [
                Step(status=S.SUBMITTED, at=max(at, created + dt.timedelta(minutes=30)), reason=SYNTHETIC)
            ]
        steps = _until(steps, cutoff)
        app = ApplicationPlan(
            fiscal_year=info.fiscal_year,
            track="mofa",
            steps=steps,
            created_at=created,
            preferences=demo_rng.sample(info.organizations, info.max_preferences),
        )
        _declare(seed=seed, person=demo_person, app=app, info=info, wanted_fail="", rules=rules)
        demo_person.applications.append(app)
    people.insert(0, demo_person)
    return Plan(seed=seed, scale=scale, today=today, people=people, posts=posts, cycles=infos)


def _mofa_funnel(n: int, offers: int) -> list[str]:
    declined = 1 if offers >= 20 else 0
    shortlisted = max(offers + declined + 2, round(offers * cat.SHORTLIST_PER_OFFER))
    passed = max(offers + declined + 1, round(offers * cat.PASS_PER_OFFER))
    passed_withdrawn = 1 if passed - offers - declined >= 3 else 0
    interview_withdrawn = 1 if shortlisted - passed >= 5 else 0
    labels = (
        ["selected"] * offers
        + ["declined"] * declined
        + ["passed_withdrawn"] * passed_withdrawn
        + ["not_selected"] * (passed - offers - declined - passed_withdrawn)
        + ["interview_withdrawn"] * interview_withdrawn
        + ["not_passed"] * (shortlisted - passed - interview_withdrawn)
        + ["submitted_withdrawn"] * max(1, round(n * cat.WITHDRAWN_SHARE))
        + ["screened_out"] * round(n * cat.SCREENED_OUT_SHARE)
        + ["override"] * (1 if n >= 100 else 0)
        + ["eligible_withdrawn"] * round(n * cat.WITHDRAWN_SHARE)
    )
    if len(labels) > n:
        raise ValueError(f"{n} applicants are too few for {offers} offers")
    return labels + ["not_shortlisted"] * (n - len(labels))


def _org_funnel(n: int, offers: int) -> list[str]:
    if n == 0:
        return []
    forwarded = max(offers + 1, round(offers * cat.FORWARD_PER_OFFER))
    withdrawn = 1 if forwarded - offers >= 4 else 0
    labels = (
        ["org_selected"] * offers
        + ["org_withdrawn"] * withdrawn
        + ["org_not_selected"] * (forwarded - offers - withdrawn)
        + ["screened_out"] * round(n * cat.SCREENED_OUT_SHARE)
    )
    if len(labels) > n:
        raise ValueError(f"{n} organization-track applicants are too few for {offers} offers")
    return labels + ["not_shortlisted"] * (n - len(labels))


def _held_indexes(entries: list[tuple[str, str]], rng: random.Random) -> dict[int, Status]:
    """Latest cycle, a fixed snapshot: where each application stops short of its final status.

    The organizations' decisions are still pending for part of the recommended / forwarded candidates
    (final results mostly October-December, docs/sources.md, section 3), and a few applications are held at each
    earlier intermediate status so that every stage can be seen (at least one each).
    """
    held: dict[int, Status] = {}
    order = list(range(len(entries)))
    rng.shuffle(order)
    # Prefer applications that would not have been selected, so that the offers change least.
    order.sort(key=lambda i: entries[i][1] in {"selected", "org_selected", "declined"})
    per_status = max(2, round(len(entries) * cat.HELD_SHARE))  # two: three reviewers get work
    for status in (S.SUBMITTED, S.ELIGIBLE, S.UNDER_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.PASSED):
        taken = 0
        for i in order:
            if taken == per_status:
                break
            path = PATHS[entries[i][1]]
            if i in held or entries[i][1] == "override":
                continue
            if status in path and path.index(status) < len(path) - 1:
                held[i] = status
                taken += 1
    for stop, labels in (
        (S.RECOMMENDED, {"selected", "not_selected"}),
        (S.FORWARDED, {"org_selected", "org_not_selected"}),
    ):
        pending = [i for i in order if entries[i][1] in labels and i not in held]
        for i in pending[: max(1, round(len(pending) * cat.PENDING_DECISION_SHARE))]:
            held[i] = stop
    return held


def _ministry(rng: random.Random, ministries: dict[str, dt.date | None], info: CycleInfo) -> str:
    fy_start = dt.date(info.fiscal_year, 4, 1)
    codes = [c for c in cat.MINISTRY_WEIGHTS if c in ministries and (ministries[c] or fy_start) <= fy_start]
    return rng.choices(codes, weights=[cat.MINISTRY_WEIGHTS[c] for c in codes])[0]


def _post(rng: random.Random, fy: int, n: int, organization: str) -> PostPlan:
    title, field_ = rng.choice(cat.POST_TITLES[organization])
    city, iso3 = rng.choice(cat.DUTY_STATIONS[organization])
    return PostPlan(
        ref=f"DEMO-FY{fy}-P{n:03d}",
        fiscal_year=fy,
        organization=organization,
        title=title,
        field=field_,
        duty_station=city,
        country_iso3=iso3,
        status="approved",
    )


def _dispatch(
    rng: random.Random, app: ApplicationPlan, post: PostPlan, soon_after: dt.date | None = None
) -> DispatchPlan:
    """Start by 31 January of the following year, two years in principle, at most three. `soon_after`:
    a departure still to come, 10 to 28 days after that day (its pre-departure reminders are due)."""
    decided = app.steps[-1].at.date()
    start = decided + dt.timedelta(days=rng.randint(30, 100))
    if soon_after is not None:
        start = max(decided + dt.timedelta(days=1), soon_after + dt.timedelta(days=rng.randint(10, 28)))
    start = min(start, dt.date(app.fiscal_year + 1, 1, 31))
    extended = rng.random() < cat.EXTENSION_SHARE
    planned_end = add_years(start, 3 if extended else 2)
    consent = start - dt.timedelta(days=rng.randint(30, 90)) if app.is_civil_servant else None
    return DispatchPlan(
        post_ref=post.ref,
        start=start,
        planned_end=planned_end,
        actual_end=planned_end,
        extension_reason=(
            "Extended to a third year to raise the chance of a regular appointment (synthetic; at most 3 years)"
            if extended
            else ""
        ),
        outcome_kind="unknown",
        outcome_organization=None,
        outcome_grade="",
        outcome_contract="",
        outcome_delay_days=rng.randint(0, 45),
        consent_on=consent,
        planned_return=planned_end + dt.timedelta(days=1) if consent else None,
    )


def _assign_outcomes(rng: random.Random, fy: int, people: list[PersonPlan], infos: list[CycleInfo]) -> None:
    """What happens at the end of each dispatch of cycle `fy` (decided now, revealed once it has ended)."""
    apps = [a for p in people for a in p.applications if a.fiscal_year == fy and a.dispatch is not None]
    servants = [a for a in apps if a.is_civil_servant]
    others = [a for a in apps if not a.is_civil_servant]
    kinds_servants = _quotas(len(servants), cat.CIVIL_SERVANT_OUTCOME_SHARES)
    kinds_others = _quotas(len(others), cat.OUTCOME_SHARES)
    rng.shuffle(kinds_servants)
    rng.shuffle(kinds_others)
    if servants and "returned_to_ministry" in kinds_servants:  # the first one always shows a return
        j = kinds_servants.index("returned_to_ministry")
        kinds_servants[0], kinds_servants[j] = kinds_servants[j], kinds_servants[0]
    all_orgs = infos[-1].organizations
    for app, kind in [*zip(servants, kinds_servants, strict=True), *zip(others, kinds_others, strict=True)]:
        d = app.dispatch
        assert d is not None
        d.outcome_kind = kind
        own = app.forwarded_to or app.preferences[0]
        if kind == "regular_post_same":
            d.outcome_organization = own
            d.outcome_grade = rng.choice(["P-2", "P-3", "P-3"])
            d.outcome_contract = "Fixed-term appointment"
            if rng.random() < cat.EARLY_END_SHARE:
                d.actual_end = d.planned_end - dt.timedelta(days=rng.randint(60, 240))
        elif kind == "other_organization":
            d.outcome_organization = rng.choice([c for c in all_orgs if c != own])
            d.outcome_grade = rng.choice(["P-2", "P-3"])
            d.outcome_contract = "Fixed-term appointment"


# --- what the applicants declared ------------------------------------------------------------------

# Screened-out applications fail one criterion of the policy; the demo tries these in a random order
# and keeps the first one that the cycle's rules do fail (a rule the policy does not know cannot fail).
FAILABLE = ("age", "degree", "experience", "language")
FAIL_REASONS = {
    "age": "over the age limit on the reference date",
    "degree": "no master's degree obtained or expected by the deadline",
    "experience": "less than two years of full-time work experience",
    "language": "no valid TOEFL iBT or IELTS score",
}
_FIELDS = [
    "International relations",
    "Development economics",
    "Public health",
    "Public policy",
    "Environmental science",
    "Law",
    "Education",
    "Agricultural economics",
]
_EMPLOYERS = [
    ("A trading company (synthetic)", "private"),
    ("A consulting firm (synthetic)", "private"),
    ("A development NGO (synthetic)", "ngo"),
    ("A prefectural government (synthetic)", "local_government"),
    ("A university research centre (synthetic)", "academia"),
    ("A bank (synthetic)", "private"),
]


def _profile(
    *, rng: random.Random, birth: dt.date, window_opens: dt.date, fail: str, civil_servant: bool
) -> tuple[list[dict[str, str]], list[dict[str, str | None]], list[dict[str, object]]]:
    """Degrees, employment and language tests of one application: all criteria met, except `fail`."""
    age = _age_on(birth, window_opens)
    # Work began after the master's, at least 3 years before the window (2 years are required).
    years_working = rng.randint(3, max(3, min(9, age - 23)))
    start = dt.date(window_opens.year - years_working, 4, 1)
    master = start - dt.timedelta(days=rng.randint(8, 20))
    bachelor = add_years(master, -2)
    field_ = rng.choice(_FIELDS)
    degrees = [
        {"level": "bachelor", "field": field_, "awarded": bachelor.isoformat()},
        {"level": "master", "field": field_, "awarded": master.isoformat()},
    ]
    if fail == "degree":
        degrees = degrees[:1]
    employer, sector = rng.choice(_EMPLOYERS)
    if civil_servant:
        employer, sector = "A national ministry (synthetic)", "national_government"
    employment: list[dict[str, str | None]] = [
        {"employer": employer, "start": start.isoformat(), "end": None, "type": "full_time", "sector": sector}
    ]
    if fail == "experience":  # part-time work first; full-time only for the last 14 months
        full_time_from = window_opens - dt.timedelta(days=425)
        employment = [
            {
                "employer": "A research institute (synthetic)",
                "start": start.isoformat(),
                "end": (full_time_from - dt.timedelta(days=1)).isoformat(),
                "type": "part_time",
                "sector": "academia",
            },
            {
                "employer": employer,
                "start": full_time_from.isoformat(),
                "end": None,
                "type": "full_time",
                "sector": sector,
            },
        ]
    tests: list[dict[str, object]] = []
    if fail != "language":
        taken = window_opens - dt.timedelta(days=rng.randint(30, 330))
        if rng.random() < 0.7:
            tests.append({"test": "toefl_ibt", "score": rng.randint(100, 114), "taken": taken.isoformat()})
        else:
            tests.append({"test": "ielts", "score": rng.choice([7.0, 7.5, 8.0]), "taken": taken.isoformat()})
    return degrees, employment, tests


def _judge(
    fy: int, birth: dt.date, app: ApplicationPlan, rules: Overlay | None
) -> tuple[bool, set[str]] | None:
    """(no criterion failed, failed criterion ids) under the rules of `fy`; None if there are none."""
    profile = {
        "birth_date": birth.isoformat(),
        "nationalities": ["JP"],
        "degrees": app.degrees,
        "employment": [{k: v for k, v in job.items() if k != "employer"} for job in app.employment],
        "language_tests": app.language_tests,
        "national_civil_servant": app.is_civil_servant,
        "former_jpo": False,
        "international_organization_staff": False,
    }
    try:
        decision = evaluate(profile, fy, rules=rules)
    except UnknownCycleError:
        return None
    failed = {c.id for c in decision.criteria if str(c.outcome) == "failed"}
    return not failed, failed


def _declare(
    *,
    seed: int,
    person: PersonPlan,
    app: ApplicationPlan,
    info: CycleInfo,
    wanted_fail: str,
    rules: Mapping[int, Overlay] | None,
) -> None:
    """Fill in what `app` declares so that the policy's answer matches its path (see FAILABLE)."""
    rng = _rng(f"{seed}:declared:{person.email}:{app.fiscal_year}")
    screened_out = S.SCREENED_OUT in {s.status for s in app.steps}
    order = [wanted_fail] + [c for c in FAILABLE if c != wanted_fail] if screened_out else [""]
    for fail in order:
        if fail == "age" and _age_on(person.birth_date, info.age_day) <= 35:
            continue  # age is the person's: only an over-age person fails it
        app.degrees, app.employment, app.language_tests = _profile(
            rng=rng,
            birth=person.birth_date,
            window_opens=info.opens.date(),
            fail=fail,
            civil_servant=app.is_civil_servant,
        )
        verdict = _judge(app.fiscal_year, person.birth_date, app, (rules or {}).get(app.fiscal_year))
        if verdict is None:  # no rules govern the cycle (none published): the data is made to pass
            app.screening = "" if not screened_out else fail
            return
        passed, failed = verdict
        if screened_out and fail in failed:
            app.screening = fail
            app.steps = [
                Step(status=s.status, at=s.at, reason=f"{SYNTHETIC}: {FAIL_REASONS[fail]}")
                if s.status == S.SCREENED_OUT
                else s
                for s in app.steps
            ]
            return
        if not screened_out and (passed or len(app.steps) <= 1):
            # Not screened yet (a draft, or submitted and waiting): the outcome is still to come.
            app.screening = "passed" if len(app.steps) > 1 else ""
            return
    raise ValueError(
        f"demo: no profile of {person.email} in FY{app.fiscal_year} agrees with its path "
        f"({[s.status.value for s in app.steps]})"
    )
