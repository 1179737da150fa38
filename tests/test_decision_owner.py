"""Golden tests of the "whose is it" decision (pipeline/decisions/owner.py): the ranked
owner candidates of a figure and the features that put the winner first."""

from __future__ import annotations

from decision_docs import parse, value

from pipeline.decisions import owner

PUBLISHED = "2020-03-01"


def test_the_subject_of_the_governing_verb_owns_the_figure(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp said revenue rose to $4 million.", PUBLISHED)
    span = value(doc, "$4 million")
    ranked = owner.ranked_owners(doc, span)
    best = ranked[0]
    assert best.org.name == "Halden"
    assert (best.source, best.relation) == ("structure", "clause_subject")
    assert owner.owner_of(doc, span) == best.org
    assert [c.source for c in ranked] == sorted(
        (c.source for c in ranked), key=owner.SOURCES.index
    )


def test_a_possessor_on_the_way_up_owns_the_figure(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(
        nlp,
        "Halden Corp raised its forecast to $5 million from its previous forecast of $4 million.",
        PUBLISHED,
    )
    best = owner.ranked_owners(doc, value(doc, "$4 million"))[0]
    assert best.org.name == "Halden"
    assert (best.source, best.relation) == ("structure", "possessor")


def test_a_sentence_without_a_name_takes_the_block_s_earlier_subject(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Halden Corp reported results on Monday. Revenue rose to $4 million.",
                PUBLISHED)
    ranked = owner.ranked_owners(doc, value(doc, "$4 million"))
    assert [(c.org.name, c.source) for c in ranked] == [
        ("Halden", "block_subject"),
        ("Halden", "salient"),
    ]
    assert ranked[0].distance is None


def test_the_nearest_mention_before_is_ranked_below_the_parse(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Net profit at Varnell Group rose 12% to $30 million.", PUBLISHED)
    ranked = owner.ranked_owners(doc, value(doc, "12%"))
    sources = [c.source for c in ranked]
    assert sources.index("structure") < sources.index("before")
    before = ranked[sources.index("before")]
    assert before.org.name == "Varnell" and before.distance == 1


def test_a_public_body_makes_the_figure_nobody_s(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "The Commerce Department said retail sales rose 2% in January.", PUBLISHED)
    span = value(doc, "2%")
    assert owner.ranked_owners(doc, span)[0].org.kind == "public"
    assert owner.owner_of(doc, span) is None
    assert doc._.newsfacts_facts == []


def test_a_person_s_clause_subject_is_no_company(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "Chief executive John Marsh, 58, told analysts that Halden Corp would grow.",
                PUBLISHED)
    ranked = owner.ranked_owners(doc, value(doc, "58"))
    assert [c.source for c in ranked] == ["salient"]


def test_clause_subject_reads_the_first_of_coordinated_verbs(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = parse(nlp, "The stock drifted 15% lower and traded at $3.15.", PUBLISHED)
    subject = owner.clause_subject(value(doc, "$3.15"))
    assert subject is not None and subject.lower_ == "stock"
