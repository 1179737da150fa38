"""Stock-site templates: EPS briefs and dividend declarations, sentences written for the tests."""

from __future__ import annotations


def _facts(nlp, text: str) -> set[tuple[str, float, str, str]]:  # type: ignore[no-untyped-def]
    return {(f.metric, round(f.value, 4), f.unit, f.status) for f in nlp(text)._.newsfacts_facts}


def test_eps_brief_gives_actual_and_estimate_not_the_margin(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Brightwell Pumps (NASDAQ:BWPX) reported $0.42 earnings per share for the quarter, "
        "topping the consensus estimate of $0.35 by $0.07."
    )
    facts = _facts(nlp, text)
    assert ("eps", 0.42, "USD", "actual") in facts
    assert ("eps", 0.07, "USD", "forecast") not in facts
    assert all(value != 0.07 for _, value, _, _ in facts)


def test_a_loss_in_parentheses_is_negative(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Ostara Mills (NYSE:OSM) reported ($0.18) EPS for the quarter, missing the consensus "
        "estimate of ($0.11) by ($0.07)."
    )
    values = {value for _, value, _, _ in _facts(nlp, text)}
    assert -0.18 in values and 0.07 not in values and -0.07 not in values


def test_dividend_without_currency_sign_is_the_stories_dollar(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Ostara Mills Income Fund (NYSE:OMF) declared a monthly dividend on Friday. Investors "
        "of record on Friday, March 13th will be paid a dividend of 0.085 per share on "
        "Tuesday, March 31st."
    )
    facts = [f for f in nlp(text)._.newsfacts_facts if f.metric == "dividend_per_share"]
    assert [(f.value, f.unit, f.period, f.status) for f in facts] == [
        (0.085, "USD", None, "actual")
    ]


def test_a_consensus_estimate_beside_a_result_leaves_the_result_actual(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Brightwell Pumps (NASDAQ:BWPX) reported $0.42 EPS for the quarter. The business had "
        "revenue of $51.20 million for the quarter, compared to the consensus estimate of "
        "$49.00 million."
    )
    revenue = {(f.value, f.status) for f in nlp(text)._.newsfacts_facts if f.metric == "revenue"}
    assert revenue == {(51.2e6, "actual"), (49e6, "forecast")}


def test_a_share_price_move_is_no_result(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Ostara Mills said net profit rose 12% to $310 million in 2024, sending its shares "
        "up 7%."
    )
    facts = {(f.metric, f.value) for f in nlp(text)._.newsfacts_facts}
    assert facts == {("net_income", 310e6), ("net_income_change", 12.0)}


def test_exchange_prefix_and_news_wire_are_not_the_fund(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Halden Global Income ETF (NYSEARCA:HGIE) announced a monthly dividend on Monday, "
        "RTT News reports. Stockholders of record on Friday, May 8th will be paid a dividend "
        "of 0.061 per share on Friday, May 15th."
    )
    facts = [f for f in nlp(text)._.newsfacts_facts if f.metric == "dividend_per_share"]
    assert [(f.entity, f.value) for f in facts] == [("Halden Global Income ETF", 0.061)]
