"""One list of staff grades (programme.vocabulary.STAFF_GRADES): posts offer the JPO grades of it, the
census counts by it or by an aggregate of it."""

from jpo.programme.models import Grade as PostGrade
from jpo.programme.vocabulary import JPO_GRADES, STAFF_GRADES
from jpo.workforce.models import SENIOR_GRADES
from jpo.workforce.models import Grade as CensusGrade


def test_every_grade_is_one_of_the_vocabulary_or_a_named_aggregate() -> None:
    staff = [(g, g) for g in STAFF_GRADES]
    assert PostGrade.choices == [(g, g) for g in JPO_GRADES] == [("P-1", "P-1"), ("P-2", "P-2")]
    census = [c for c in CensusGrade.choices if c[0] not in {"ALL", "P", "D+"}]
    assert census == staff
    assert {g.value for g in SENIOR_GRADES} == {"D-1", "D-2", "ASG", "USG"}
    assert CensusGrade.P2 == PostGrade.P2 == STAFF_GRADES[1] == "P-2"
