"""The terms the programme's rules and calls speak of, and applications record: degree levels, kinds of
work and sectors, language tests, the documents a call asks for; the staff grades that posts and the
workforce census name (one list: `programme.models.Grade` offers `JPO_GRADES`, `workforce.models.Grade`
adds its aggregates)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The grades of the UN common system's professional and higher categories, as published (value = label).
STAFF_GRADES: tuple[str, ...] = ("P-1", "P-2", "P-3", "P-4", "P-5", "D-1", "D-2", "ASG", "USG")
# The grades a JPO post is offered at.
JPO_GRADES: tuple[str, ...] = STAFF_GRADES[:2]


def grade_members(grades: tuple[str, ...]) -> list[tuple[str, tuple[str, str]]]:
    """(member name, (value, label)) of each grade, for `models.TextChoices(name, ...)`: "P-2" is P2."""
    return [(grade.replace("-", ""), (grade, grade)) for grade in grades]


# A post's grade (programme.models.Post.grade).
Grade = models.TextChoices("Grade", grade_members(JPO_GRADES))  # type: ignore[call-overload]


class DegreeLevel(models.TextChoices):
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time paid work")
    PART_TIME = "part_time", _("Part-time work")
    INTERNSHIP = "internship", _("Internship")


class Sector(models.TextChoices):
    PRIVATE = "private", _("Private sector")
    NATIONAL_GOVERNMENT = "national_government", _("National government")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    NGO = "ngo", _("NGO / non-profit")
    ACADEMIA = "academia", _("University / research")
    OTHER = "other", _("Other")


class LanguageTestKind(models.TextChoices):
    TOEFL_IBT = "toefl_ibt", _("TOEFL iBT")
    IELTS = "ielts", _("IELTS")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV (in English)")
    COVER_LETTER = "cover_letter", _("Cover letter (in English)")
    DEGREE = "degree", _("Degree certificate or expected-degree letter")
    LANGUAGE = "language", _("Language score report")


# The criteria of eligibility (jpo.policy names them) and the result of each, as pages and the dossier
# print them. "Passed" has another meaning in the catalogue (passing stage two): hence its context.
ELIGIBILITY_CRITERIA = {
    "nationality": _("Nationality"),
    "age": _("Age"),
    "degree": _("Degree"),
    "experience": _("Work experience"),
    "language": _("Language"),
    "prior_service": _("Prior service"),
    "civil_servant": _("National civil servants"),
}
CRITERION_OUTCOMES = {
    "passed": pgettext_lazy("criterion outcome", "Passed"),
    "failed": _("Not met"),
    "needs_review": _("Needs review"),
}
