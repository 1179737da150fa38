"""The assembled pipeline on disk, the components in a user's own `nlp`, and Docs that
serialize: `spacy.load` of the built model, `Doc.to_bytes` and `nlp.pipe(n_process=2)` must
all give the same `doc._.newsfacts_facts` as `load_pipeline()`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components import metrics, organizations, periods, values
from pipeline.documents import Document
from pipeline.extract import COMPONENTS, build_model, make_doc
from pipeline.facts import Fact
from pipeline.settings import DEFAULT_MODELS

TEXTS: tuple[tuple[str, date | None], ...] = (
    ("Sony Corp said net profit rose 12% to 50 billion yen in the fiscal year to March 2015.",
     date(2015, 5, 1)),
    ("Nokia expects sales of EUR 2.1 billion in 2016.", date(2016, 1, 28)),
    ("Acme Corp reported an operating loss of $3.4 million for the third quarter of 2019, "
     "compared with a profit of $1.2 million a year earlier.", None),
    ("Siemens plans to cut 6,900 jobs worldwide, the company said on Thursday.",
     date(2017, 11, 16)),
    ("Fabrikam Oyj's net sales fell 8.5 percent to EUR 120.3 mn in January-June 2010.", None),
    ("Contoso Ltd raised its dividend to 45 cents a share.\n\n"
     "It posted revenue of $8.1 billion last year.", date(2012, 2, 3)),
)
RECORD_GROUPS = {
    values.SPANS_KEY: "newsfacts_quantity",
    periods.SPANS_KEY: "newsfacts_period",
    organizations.SPANS_KEY: "newsfacts_org",
    metrics.SPANS_KEY: "newsfacts_metric",
    metrics.CHANGES_KEY: "newsfacts_direction",
    metrics.STATUS_KEY: "newsfacts_status",
}


def _docs(nlp: Language) -> list[Doc]:
    return [
        make_doc(nlp, Document(f"t{i}", text, published=published))
        for i, (text, published) in enumerate(TEXTS)
    ]


def _facts(nlp: Language) -> list[list[Fact]]:
    return [list(doc._.newsfacts_facts) for doc in nlp.pipe(_docs(nlp))]


def _plain(value: Any) -> Any:
    """msgpack has one sequence type: tuples come back as lists."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def expected(nlp: Language) -> list[list[Fact]]:
    facts = _facts(nlp)
    assert all(facts), "every test text must give facts, or the comparisons prove nothing"
    return facts


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model(tmp_path_factory.mktemp("model") / "newsfacts-en")


def test_built_model_lists_the_components_in_order(model_dir: Path) -> None:
    config = spacy.util.load_config(model_dir / "config.cfg")
    names = config["nlp"]["pipeline"]
    assert tuple(n for n in names if n in COMPONENTS) == COMPONENTS
    assert names[-len(COMPONENTS) :] == list(COMPONENTS)


def test_loaded_model_gives_the_same_facts(
    model_dir: Path, expected: list[list[Fact]]
) -> None:
    loaded = spacy.load(model_dir)
    assert _facts(loaded) == expected


def test_components_added_to_own_nlp_give_the_same_facts(expected: list[list[Fact]]) -> None:
    for name in DEFAULT_MODELS:
        try:
            own = spacy.load(name)
            break
        except OSError:
            continue
    else:
        pytest.skip(f"none of {DEFAULT_MODELS} is installed")
    for component in COMPONENTS:
        own.add_pipe(component)
    assert _facts(own) == expected


def test_doc_bytes_round_trip_keeps_facts_and_span_records(nlp: Language) -> None:
    for doc in nlp.pipe(_docs(nlp)):
        restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        assert restored._.newsfacts_facts == doc._.newsfacts_facts
        assert all(type(f) is Fact for f in restored._.newsfacts_facts)
        assert restored._.newsfacts_published == doc._.newsfacts_published
        assert restored._.newsfacts_doc_id == doc._.newsfacts_doc_id
        for key, attr in RECORD_GROUPS.items():
            before = [(s.start, s.end, s.label, s._.get(attr)) for s in doc.spans[key]]
            after = [(s.start, s.end, s.label, s._.get(attr)) for s in restored.spans[key]]
            assert after == before, key
        assert [s._.newsfacts_quantity for s in restored.spans[values.SPANS_KEY]]
        assert set(restored.user_data) == set(doc.user_data)
        for key, value in doc.user_data.items():
            assert _plain(restored.user_data[key]) == _plain(value), key


def test_pipe_in_two_processes_gives_the_same_facts(
    nlp: Language, expected: list[list[Fact]]
) -> None:
    docs = nlp.pipe(_docs(nlp), n_process=2, batch_size=2)
    found = [list(doc._.newsfacts_facts) for doc in docs]
    assert found == expected
    assert [f.published for f, *_ in found] == [published for _, published in TEXTS]


def test_built_model_meta_names_newsfacts(model_dir: Path) -> None:
    import json
    from importlib.metadata import version

    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"] == "newsfacts_en"
    assert meta["version"] == version("newsfacts")
    assert meta["description"].startswith(f"newsfacts {version('newsfacts')}:")


def test_extract_facts_refuses_an_nlp_without_the_components() -> None:
    from pipeline import extract_facts
    from pipeline.errors import ConfigError

    bare = spacy.blank("en")
    with pytest.raises(ConfigError, match="newsfacts_facts"):
        extract_facts(["Acme Corp said net profit rose to EUR 5.2 mn in 2009."], nlp=bare)


def test_as_tuples_context_gives_the_document_id_and_publication_date(nlp: Language) -> None:
    from pipeline import Document, extract_facts

    text = "Acme Corp said its net profit rose to EUR 5.2 mn last year from EUR 4.1 mn."
    context = {"doc_id": "ctx-1", "published": "2015-02-03", "source": "wire"}
    ((doc, back),) = list(nlp.pipe([(text, context)], as_tuples=True))
    assert back == context
    assert doc._.newsfacts_facts
    expected = list(extract_facts([Document("ctx-1", text, published=date(2015, 2, 3),
                                            source="wire")], nlp=nlp))
    assert list(doc._.newsfacts_facts) == expected
    current = [f for f in doc._.newsfacts_facts if f.value == 5.2e6]
    assert [(f.doc_id, f.period_start, f.published) for f in current] == [
        ("ctx-1", date(2014, 1, 1), date(2015, 2, 3))]  # "last year" of 2015-02-03


def test_adding_the_facts_component_without_its_annotators_names_them() -> None:
    from pipeline.errors import ConfigError

    partial = spacy.blank("en")
    partial.add_pipe(values.NAME)
    partial.add_pipe("newsfacts_periods")
    with pytest.raises(ConfigError) as caught:
        partial.add_pipe("newsfacts_facts")
    message = str(caught.value)
    assert "missing: newsfacts_hygiene, newsfacts_organizations, newsfacts_metrics." in message
    assert "newsfacts_facts" not in partial.pipe_names


def test_extensions_live_under_the_newsfacts_prefix(nlp: Language) -> None:
    """A user's own doc._.source (or span._.status) never collides with the pipeline's."""
    from spacy.tokens import Span

    assert not Doc.has_extension("source") and not Span.has_extension("status")
    Doc.set_extension("source", default="user's own")
    try:
        doc = nlp("Kestrel Corp said its net profit rose to EUR 5.2 mn in 2019.")
        assert doc._.source == "user's own"
        assert [f.metric for f in doc._.newsfacts_facts] == ["net_income"]
        assert all(s._.newsfacts_quantity is not None for s in doc.spans["newsfacts_values"])
    finally:
        Doc.remove_extension("source")
