"""The formula and its dated parameters, without a database (the calculator is pure Python)."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from jpo.policy.parameters import UNKNOWN, ParameterDefinition, dated_parameter
from jpo.representation.calculator import (
    PARAMETERS_PATH,
    CalculatorError,
    Parameters,
    ParameterTable,
    Position,
    StateInput,
    Status,
    UnknownParameter,
    classify,
    compute_ranges,
    desirable_range,
    posts_to_midpoint,
)

DATA = Path(__file__).resolve().parent.parent / "data"
TABLE = ParameterTable.load()


def params(base: str | int, members: int = 193, **changes: Decimal) -> Parameters:
    """The parameter set in force in 2016 (from parameters.yaml) with another base figure / N."""
    current = TABLE.at(dt.date(2016, 1, 1)).parameters(base_figure=Decimal(base), member_states=members)
    if not changes:
        return current
    values = {name: getattr(current, name) for name in current.__dataclass_fields__}
    values.update(changes)
    return Parameters(**values)


def only_membership(midpoint: str) -> Parameters:
    """A parameter set whose midpoint is exactly `midpoint` for any State (all weight on membership, N = 1)."""
    return params(
        midpoint,
        1,
        membership_weight=Decimal(100),
        population_weight=Decimal(0),
        contribution_weight=Decimal(0),
    )


def test_calculator_imports_no_django() -> None:
    code = (
        "import sys; import jpo.representation.calculator; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- dated parameters ---


@pytest.mark.parametrize(
    ("date", "base", "members"),
    [
        (dt.date(2006, 6, 28), Decimal(3000), Decimal(192)),
        (dt.date(2011, 7, 13), Decimal(3000), Decimal(192)),
        (dt.date(2011, 7, 14), None, Decimal(193)),
        (dt.date(2013, 6, 29), None, Decimal(193)),
        (dt.date(2013, 6, 30), Decimal(3400), Decimal(193)),
        (dt.date(2014, 1, 1), Decimal(3500), Decimal(193)),
        (dt.date(2017, 12, 31), Decimal(3500), Decimal(193)),
    ],
)
def test_parameters_in_force_on_each_side_of_every_change(
    date: dt.date, base: Decimal | None, members: Decimal
) -> None:
    resolved = TABLE.at(date)
    assert resolved.value("base_figure") == base
    assert resolved.value("member_states") == members
    assert resolved.value("membership_weight") == 40
    assert resolved.value("population_weight") == 5
    assert resolved.value("contribution_weight") == 55
    assert resolved.value("band") == 15
    assert resolved.value("minimum_band") == Decimal("4.8")
    assert resolved.value("minimum_upper_limit") == 14
    assert all(value.reference for value in resolved.values.values() if value.value is not None)


def test_before_the_first_dated_value_everything_is_unknown() -> None:
    resolved = TABLE.at(dt.date(2006, 6, 27))
    assert {n.data["name"] for n in resolved.notices if n.code == "unknown"} == set(resolved.values)
    with pytest.raises(UnknownParameter):
        resolved.parameters(base_figure=Decimal(3000))


def test_unknown_base_figure_must_be_entered() -> None:
    resolved = TABLE.at(dt.date(2012, 1, 1))
    with pytest.raises(UnknownParameter) as excinfo:
        resolved.parameters()
    assert excinfo.value.names == ("base_figure",)
    assert resolved.parameters(base_figure=Decimal(3300)).base_figure == 3300


def test_base_figure_after_2017_is_flagged_uncertain_and_77_278_is_pending() -> None:
    assert [n.code for n in TABLE.at(dt.date(2017, 12, 31)).notices] == []
    late = TABLE.at(dt.date(2019, 3, 31))
    assert late.values["base_figure"].uncertain
    assert [n.code for n in late.notices] == ["uncertain"]
    latest = TABLE.at(dt.date(2025, 6, 1))
    pending = [n for n in latest.notices if n.code == "pending"]
    assert pending and pending[0].data["name"] == "GA resolution 77/278"
    assert pending[0].data["applies_from"] == "2024-01-01"


def test_a_new_parameter_set_is_a_data_change(tmp_path: Path) -> None:
    raw = yaml.safe_load(PARAMETERS_PATH.read_text(encoding="utf-8"))
    raw["parameters"]["base_figure"]["values"][dt.date(2024, 1, 1)] = {
        "value": 3600,
        "source": {"label": "test"},
    }
    raw["parameters"]["band"]["values"][dt.date(2024, 1, 1)] = {"value": 20, "source": {"label": "test"}}
    raw["pending_parameter_sets"] = []
    path = tmp_path / "parameters.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    table = ParameterTable.load(path)
    resolved = table.at(dt.date(2025, 1, 1))
    assert resolved.value("base_figure") == 3600
    assert resolved.value("band") == 20
    assert resolved.notices == ()
    assert table.at(dt.date(2023, 12, 31)).value("band") == 15
    # and the formula follows: midpoint 50 with a 20 per cent band gives 40-60
    p = resolved.parameters(base_figure=Decimal(50), member_states=1)
    figures = desirable_range(
        assessment_pct=Decimal(0),
        population_share=Decimal(0),
        parameters=Parameters(
            **{
                **p.__dict__,
                "membership_weight": Decimal(100),
                "population_weight": Decimal(0),
                "contribution_weight": Decimal(0),
            }
        ),
    )
    assert (figures.lower, figures.upper) == (40, 60)


def test_a_value_without_source_is_refused(tmp_path: Path) -> None:
    raw = yaml.safe_load(PARAMETERS_PATH.read_text(encoding="utf-8"))
    raw["parameters"]["band"]["values"][dt.date(2030, 1, 1)] = {"value": 20}
    with pytest.raises(CalculatorError, match="source"):
        ParameterTable.from_dict(raw)
    raw["parameters"]["band"]["values"][dt.date(2030, 1, 1)] = {"value": 20, "source": {"label": " "}}
    with pytest.raises(CalculatorError, match="source"):
        ParameterTable.from_dict(raw)


def test_the_parameters_are_read_by_the_policy_engine_in_its_format() -> None:
    """One dated-parameter engine: every parameter of parameters.yaml is a policy `ParameterDefinition`
    (the format of policy/parameters/*.yaml: description in en and ja, value, source label), and the value
    the calculator uses on a day is the one the policy's engine gives for that day."""
    raw = yaml.safe_load(PARAMETERS_PATH.read_text(encoding="utf-8"))
    for name in TABLE.parameters:
        node = raw["parameters"][name]
        assert set(node["description"]) == {"en", "ja"}
        assert all(
            set(entry) <= {"value", "source", "note", "uncertain"} for entry in node["values"].values()
        )
        definition = dated_parameter(name, node)
        assert isinstance(TABLE.parameters[name], ParameterDefinition)
        for day in (dt.date(2006, 6, 28), dt.date(2012, 1, 1), dt.date(2016, 1, 1), dt.date(2020, 1, 1)):
            expected = definition.on(day)
            resolved = TABLE.at(day).values[name]
            assert resolved.value == (None if expected.value is UNKNOWN else Decimal(str(expected.value)))
            assert resolved.uncertain == expected.uncertain
    # The base figure inferred after its last confirmation is a dated `uncertain: true` value.
    late = TABLE.parameters["base_figure"].on(dt.date(2018, 1, 1))
    assert late.uncertain and late.value == 3500 and late.note


def test_weights_must_add_up_to_100() -> None:
    with pytest.raises(CalculatorError, match="100"):
        params(3500, membership_weight=Decimal(41))


# --- the formula's boundaries ---


def test_small_state_gets_the_4_8_post_band_and_the_14_post_floor() -> None:
    # Tuvalu-like: rate 0.001 %, population share 0: midpoint = 1400/193 + 0.01925 = 7.2731...
    figures = desirable_range(
        assessment_pct=Decimal("0.001"), population_share=Decimal(0), parameters=params(3500)
    )
    midpoint = Fraction(1400, 193) + Fraction(1925, 100000)
    assert figures.midpoint.quantize(Decimal("0.000001")) == Decimal(f"{float(midpoint):.6f}")
    assert 15 * figures.midpoint / 100 < Decimal("4.8")  # the 15 per cent band would be narrower
    assert figures.midpoint - figures.lower_unrounded == Decimal("4.8")
    assert figures.lower == 2  # 2.47 rounded
    assert figures.midpoint + Decimal("4.8") < 14
    assert figures.upper == 14


@pytest.mark.parametrize(
    ("midpoint", "lower", "upper"),
    [
        ("9.2", 4, 14),  # 9.2 + 4.8 = 14.0: the floor and the band meet
        ("10", 5, 15),  # 14.8 rounds to 15: above the floor
        ("31", 26, 36),  # 15 % = 4.65 < 4.8: the minimum band applies
        ("32", 27, 37),  # 15 % = 4.8 exactly: both give the same
        ("40", 34, 46),  # 15 % = 6: the percentage band applies
        ("1", 0, 14),  # lower would be -3.8: never below 0
    ],
)
def test_band_floor_and_zero(midpoint: str, lower: int, upper: int) -> None:
    figures = desirable_range(
        assessment_pct=Decimal(0), population_share=Decimal(0), parameters=only_membership(midpoint)
    )
    assert figures.midpoint == Decimal(midpoint)
    assert (figures.lower, figures.upper) == (lower, upper)


@pytest.mark.parametrize(
    ("midpoint", "lower", "upper"),
    [
        ("50", 43, 58),  # 42.5 and 57.5 round half up (Python's round() would give 42 and 58)
        ("7.3", 3, 14),  # 2.5 rounds up to 3
        ("30", 25, 35),  # 25.2 and 34.8
        ("70", 60, 81),  # 59.5 and 80.5 both go up
    ],
)
def test_limits_round_half_up_from_the_unrounded_values(midpoint: str, lower: int, upper: int) -> None:
    figures = desirable_range(
        assessment_pct=Decimal(0), population_share=Decimal(0), parameters=only_membership(midpoint)
    )
    assert (figures.lower, figures.upper) == (lower, upper)


def test_midpoint_shown_to_two_decimals_rounds_half_up() -> None:
    [item] = compute_ranges([StateInput("AAA", "A", Decimal(0), 1, 5)], only_membership("12.345"))
    assert item.midpoint == Decimal("12.345")
    assert str(item.midpoint_2dp) == "12.35"


@pytest.mark.parametrize(
    ("staff", "status", "position"),
    [
        (None, Status.UNKNOWN, None),
        (0, Status.UNREPRESENTED, None),
        (42, Status.UNDER, None),
        (43, Status.WITHIN, Position.BELOW),  # exactly the lower limit
        (49, Status.WITHIN, Position.BELOW),
        (50, Status.WITHIN, Position.ABOVE),  # exactly the midpoint counts as reaching it
        (58, Status.WITHIN, Position.ABOVE),  # exactly the upper limit
        (59, Status.OVER, None),
    ],
)
def test_status_at_each_limit(staff: int | None, status: Status, position: Position | None) -> None:
    [item] = compute_ranges([StateInput("AAA", "A", Decimal(0), 1, staff)], only_membership("50"))
    assert (item.lower, item.upper) == (43, 58)
    assert (item.status, item.position) == (status, position)


def test_unrepresented_even_when_the_lower_limit_is_zero() -> None:
    assert classify(staff=0, lower=0, upper=14, midpoint=Decimal(1)) == (Status.UNREPRESENTED, None)


def test_posts_needed() -> None:
    [item] = compute_ranges([StateInput("AAA", "A", Decimal(0), 1, 40)], only_membership("50"))
    assert (item.posts_to_lower, item.posts_to_midpoint) == (3, 10)
    assert posts_to_midpoint(staff=40, midpoint=Decimal("49.01")) == 10
    assert posts_to_midpoint(staff=60, midpoint=Decimal("49.01")) == 0
    [unknown] = compute_ranges([StateInput("AAA", "A", Decimal(0), 1, None)], only_membership("50"))
    assert (unknown.posts_to_lower, unknown.posts_to_midpoint) == (None, None)


def test_bad_inputs_are_refused() -> None:
    p = params(3500)
    with pytest.raises(CalculatorError, match="twice"):
        compute_ranges([StateInput("AAA", "A", Decimal(1), 1), StateInput("AAA", "B", Decimal(1), 1)], p)
    with pytest.raises(CalculatorError, match="negative"):
        compute_ranges([StateInput("AAA", "A", Decimal(1), -1)], p)
    with pytest.raises(CalculatorError, match="total population"):
        compute_ranges([StateInput("AAA", "A", Decimal(1), 0)], p)
    with pytest.raises(CalculatorError, match="negative"):
        classify(staff=-1, lower=1, upper=14, midpoint=Decimal(5))


# --- regression against a hand-computed and published range ---


def _shipped_inputs(period: str, year: int) -> list[StateInput]:
    with open(DATA / "un_member_states.csv", encoding="utf-8") as handle:
        members = {row["iso3"]: row["name"] for row in csv.DictReader(handle)}
    with open(DATA / "un_scale_of_assessments.csv", encoding="utf-8") as handle:
        rates = {r["iso3"]: Decimal(r["rate_pct"]) for r in csv.DictReader(handle) if r["period"] == period}
    with open(DATA / "population.csv", encoding="utf-8") as handle:
        populations = {
            r["iso3"]: int(r["population"]) for r in csv.DictReader(handle) if r["year"] == str(year)
        }
    return [StateInput(iso3, name, rates[iso3], populations[iso3]) for iso3, name in members.items()]


def test_japan_2016_2018_matches_the_hand_computation_and_the_published_range() -> None:
    states = _shipped_inputs("2016-2018", 2016)
    japan = next(s for s in states if s.iso3 == "JPN")
    assert japan.assessment_pct == Decimal("9.680")
    total_population = sum(s.population for s in states)
    # By hand, in exact fractions: 40 % of 3,500 / 193 + 5 % of 3,500 x population share + 55 % of 3,500 x 9.680 %
    midpoint = (
        Fraction(1400, 193)
        + Fraction(175) * Fraction(japan.population, total_population)
        + Fraction(1925) * Fraction(9680, 100000)
    )
    assert float(midpoint) == pytest.approx(196.56, abs=0.005)
    lower = midpoint * Fraction(85, 100)  # 167.08
    upper = midpoint * Fraction(115, 100)  # 226.05
    [result] = [r for r in compute_ranges(states, params(3500)) if r.iso3 == "JPN"]
    assert result.midpoint_2dp == Decimal("196.56")
    assert (result.lower, result.upper) == (round(lower), round(upper)) == (167, 226)
    # The range published for Japan at end 2017 was 167-226 (docs/sources.md, section 5).


def test_null_means_does_not_apply_everywhere_so_an_unknown_value_is_written_unknown() -> None:
    """One meaning of `null` across the dated tables (ARCHITECTURE.md): the policy's `unknown` is the
    calculator's "ask for the value"; a null would say the rule does not apply, and is refused."""
    raw = yaml.safe_load(PARAMETERS_PATH.read_text(encoding="utf-8"))
    assert raw["parameters"]["base_figure"]["values"][dt.date(2011, 7, 14)]["value"] == "unknown"
    assert ParameterTable.from_dict(raw).at(dt.date(2012, 1, 1)).value("base_figure") is None
    raw["parameters"]["band"]["values"][dt.date(2030, 1, 1)] = {"value": None, "source": {"label": "test"}}
    with pytest.raises(
        CalculatorError, match=r"parameters.band.values.2030-01-01: null means the rule does not"
    ):
        ParameterTable.from_dict(raw)
