"""One demo login per role, plus a superuser. Development databases only (jpo demo refuses production).

Staff logins carry SYNTHETIC Japanese names (made up for the demo, not real people), so that pages show a
name in the reader's order (jpo.core.names) rather than "Demo officer"; `jpo demo_logins` lists them as
synthetic.

The password is deliberately public (README, `jpo demo_logins`): these accounts exist to try the
application, never in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jpo.accounts.access import officer_group_permissions
from jpo.accounts.models import Role, User
from jpo.accounts.services import audit_record
from jpo.demo import catalogue as cat
from jpo.programme.models import Ministry, Organization

DEMO_PASSWORD = "jpo-demo-2026"  # noqa: S105 - public demo password, documented in the README
# A fixed salt makes the hash of the demo password the same on every run, so a re-run can tell with a
# string comparison (no second hashing) whether a demo user's password is still the demo password.
_DEMO_SALT = "jpodemo2026"
OFFICERS_GROUP = "Programme officers"
DEFAULT_FIRST_NAME = "Demo"  # the applicant login (its applicant record has its own synthetic name)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    sees: str | Promise
    family_name: str = ""  # a SYNTHETIC Japanese name (demo staff), shown family name first (core.names)
    given_name: str = ""
    organization: str | None = None
    ministry: str | None = None
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@example.jp"


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "admin",
        Role.OFFICER,
        _("Everything, including the Django admin (superuser)"),
        family_name="高橋",
        given_name="誠",
        is_staff=True,
        is_superuser=True,
    ),
    DemoLogin(
        "officer",
        Role.OFFICER,
        _("Everything in the programme; the Django admin for programme data (not accounts)"),
        family_name="佐藤",
        given_name="美咲",
        is_staff=True,
    ),
    DemoLogin(
        "reviewer",
        Role.REVIEWER,
        _("Only the applications and interviews assigned to them"),
        family_name="鈴木",
        given_name="大輔",
    ),
    # Two more reviewers (two review each application) and two interviewers (one interview panel).
    DemoLogin(
        "reviewer2",
        Role.REVIEWER,
        _("Only the applications and interviews assigned to them"),
        family_name="田中",
        given_name="由美",
    ),
    DemoLogin(
        "reviewer3",
        Role.REVIEWER,
        _("Only the applications and interviews assigned to them"),
        family_name="伊藤",
        given_name="翔",
    ),
    DemoLogin(
        "interviewer",
        Role.REVIEWER,
        _("Only the applications and interviews assigned to them"),
        family_name="渡辺",
        given_name="真理",
    ),
    DemoLogin(
        "interviewer2",
        Role.REVIEWER,
        _("Only the applications and interviews assigned to them"),
        family_name="山本",
        given_name="拓也",
    ),
    DemoLogin(
        "focal-undp",
        Role.FOCAL_POINT,
        _("Only UNDP's posts and the candidates forwarded to UNDP"),
        family_name="中村",
        given_name="彩",
        organization=cat.DEMO_FOCAL_POINT_ORGANIZATION,
    ),
    DemoLogin(
        "ministry-hr",
        Role.MINISTRY_HR,
        _("Only the civil servants of the Ministry of Health, Labour and Welfare (MHLW)"),
        family_name="小林",
        given_name="浩",
        ministry=cat.DEMO_HR_MINISTRY,
    ),
    DemoLogin(
        "analyst",
        Role.ANALYST,
        _("Aggregate statistics only, never personal data"),
        family_name="加藤",
        given_name="恵",
    ),
    DemoLogin(
        "applicant",
        Role.APPLICANT,
        _(
            "Only their own applicant record and applications (one in the previous cycle, "
            "one submitted in the open cycle)"
        ),
    ),
)


@transaction.atomic
def demo_logins_upsert() -> dict[str, User]:
    """Create the demo users and the programme officers' group where missing. Demo staff get SYNTHETIC
    Japanese names (`DemoLogin.family_name`, listed as synthetic by `jpo demo_logins`).

    An existing demo user is left exactly as it is: what an officer changed (a name, an
    e-mail address, a password) survives another `jpo demo`; `jpo demo --reset` does not
    touch logins either (delete a user in the admin to have it recreated). The group's permissions are
    brought in line with `officer_group_permissions()` on every run (new apps, never user admin)."""
    password = make_password(DEMO_PASSWORD, salt=_DEMO_SALT)
    group, _created = Group.objects.get_or_create(name=OFFICERS_GROUP)
    permissions = officer_group_permissions()
    if set(group.permissions.values_list("pk", flat=True)) != {p.pk for p in permissions}:
        group.permissions.set(permissions)
    organizations = {o.code: o for o in Organization.objects.filter(code=cat.DEMO_FOCAL_POINT_ORGANIZATION)}
    ministries = {m.code: m for m in Ministry.objects.filter(code=cat.DEMO_HR_MINISTRY)}
    existing = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_LOGINS])}
    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        user = existing.get(login.username)
        if user is None:
            user = User(
                username=login.username,
                first_name=login.given_name or DEFAULT_FIRST_NAME,
                last_name=login.family_name or login.username,
                email=login.email,
                role=login.role,
                organization=organizations[login.organization] if login.organization else None,
                ministry=ministries[login.ministry] if login.ministry else None,
                is_staff=login.is_staff,
                is_superuser=login.is_superuser,
                is_active=True,
                password=password,
                email_verified_at=timezone.now(),
            )
            user.save()
            audit_record(actor=None, action="demo.login.create", target=user, data={"role": login.role})
            if login.username == "officer":
                user.groups.add(group)
        elif login.family_name and (user.first_name, user.last_name) == (DEFAULT_FIRST_NAME, login.username):
            # The name earlier demos gave ("Demo officer"), never edited since: the synthetic name now.
            user.first_name, user.last_name = login.given_name, login.family_name
            user.save(update_fields=["first_name", "last_name"])
            audit_record(
                actor=None,
                action="demo.login.name",
                target=user,
                data={"before": f"{DEFAULT_FIRST_NAME} {login.username}", "synthetic": True},
            )
        users[login.username] = user
    return users
