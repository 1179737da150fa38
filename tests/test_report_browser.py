"""The report in a real browser: headless Debian Chromium driven by Selenium.

The seed corpus is run end to end, its report opened, the table filtered to one entity
and metric, the chart's points compared with `fact_table.parquet`, and a row followed to
its highlighted span. Skipped, saying why, where Chromium, its driver or Selenium is
missing (`apt-get install -y chromium chromium-driver`; Selenium is in the dev extras).
With NEWSFACTS_SCREENSHOT=path the filtered table and chart are saved there as a PNG
(`make screenshot` writes `docs/report.png` for the README).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.documents import Document, read_documents
from pipeline.fact_table import build_fact_table
from pipeline.facts import Fact, read_facts
from pipeline.report import write_report

REPO = Path(__file__).resolve().parents[1]
INSTALL = "apt-get install -y chromium chromium-driver"


def _find(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("Selenium is not installed (pip install -e '.[dev]'); browser test skipped")
    chromium = os.environ.get("CHROMIUM") or _find("chromium", "chromium-browser")
    driver = os.environ.get("CHROMEDRIVER") or _find("chromedriver")
    if not chromium or not driver:
        pytest.skip(f"headless Chromium or chromedriver not found ({INSTALL}); "
                    "browser test skipped")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    session = webdriver.Chrome(service=Service(driver), options=options)
    try:
        yield session
    finally:
        session.quit()


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.batch import run_corpus

    out = tmp_path_factory.mktemp("seed-report")
    run_corpus([REPO / "corpus" / "seeds.jsonl"], out, workers=1, quiet=True)
    return out


def _open(browser: Any, path: Path, fragment: str = "") -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(path.resolve().as_uri() + fragment)
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script("return document.body.dataset.ready === '1'"))
    assert _errors(browser) == []


def _errors(browser: Any) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def _wait(browser: Any, script: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 10).until(lambda b: b.execute_script(script))


def _filter(browser: Any, entity: str, metric: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    box = browser.find_element(By.ID, "f-entity")
    box.clear()
    box.send_keys(entity)
    select = Select(browser.find_element(By.ID, "f-metric"))
    (option,) = [o for o in select.options if o.text.startswith(metric + " (")]
    select.select_by_visible_text(option.text)


def _focused_mark(browser: Any) -> dict[str, Any]:
    return _wait(browser, """
        const m = document.querySelector('#doc-text mark.focus');
        if (!m) return null;
        const box = m.getBoundingClientRect();
        return {text: m.textContent, start: Number(m.dataset.start), end: Number(m.dataset.end),
                visible: box.top >= 0 && box.bottom <= window.innerHeight,
                title: m.title, doc: document.querySelector('#article h3').textContent};
    """)


def test_seed_report_filters_charts_and_links_to_spans(browser: Any, seed_run: Path) -> None:
    from selenium.webdriver.common.by import By

    table = pd.read_parquet(seed_run / "fact_table.parquet")
    texts = {d.doc_id: d.text for d in read_documents([REPO / "corpus" / "seeds.jsonl"])
             if isinstance(d, Document)}
    dated = table[table["period_start"].notna() & table["period_end"].notna()]
    # the entity and metric with most dated rows, chosen from the table, not named here
    entity, metric = dated.groupby(["entity", "metric"]).size().idxmax()
    expected = table[(table["entity"] == entity) & (table["metric"] == metric)]
    assert len(expected) >= 3

    _open(browser, seed_run / "report.html")
    assert browser.find_element(By.ID, "row-count").text == f"{len(table)} of {len(table)} rows"
    _filter(browser, entity, metric)
    assert browser.find_element(By.ID, "row-count").text == \
        f"{len(expected)} of {len(table)} rows"
    shown = browser.execute_script("""
        return [...document.querySelectorAll('#fact-table tbody tr')].map(tr => ({
            id: tr.dataset.factId, entity: tr.cells[0].textContent,
            metric: tr.cells[1].textContent, value: Number(tr.cells[3].dataset.value),
            exact: tr.cells[3].title, text: tr.cells[3].textContent}));
    """)
    assert sorted(r["id"] for r in shown) == sorted(expected["fact_id"])
    by_id = expected.set_index("fact_id")
    for row in shown:
        assert (row["entity"], row["metric"]) == (entity, metric)
        assert row["value"] == by_id.loc[row["id"], "value"]
        unit = by_id.loc[row["id"], "unit"]
        assert row["exact"].endswith(unit)
        assert unit in row["text"] or unit == "count"
    csv_rows = list(csv.DictReader(io.StringIO(browser.execute_script(
        "return window.newsfacts.csv()"))))
    assert sorted(r["fact_id"] for r in csv_rows) == sorted(expected["fact_id"])
    assert {float(r["value"]) for r in csv_rows} == set(expected["value"])

    # sorting by value puts the shown values in order
    browser.find_element(By.CSS_SELECTOR, "#fact-table th[data-col=value]").click()
    values = browser.execute_script(
        "return [...document.querySelectorAll('#fact-table tbody tr')]"
        ".map(tr => Number(tr.cells[3].dataset.value))")
    assert values == sorted(values) and len(values) == len(expected)

    # the chart of that entity and metric: one point per dated row, as in the parquet
    browser.find_element(By.ID, "chart-these").click()
    _wait(browser, "return document.getElementById('tab-charts').classList.contains('active')")
    points = browser.execute_script("""
        return [...document.querySelectorAll('#chart g.point')].map(g => ({
            id: g.dataset.factId, value: Number(g.dataset.value), status: g.dataset.status,
            start: g.dataset.periodStart, end: g.dataset.periodEnd,
            conflict: g.dataset.conflict === '1',
            unit: g.closest('svg').dataset.unit}));
    """)
    chart_rows = expected[expected["period_start"].notna() & expected["period_end"].notna()]
    assert len(points) == len(chart_rows)
    assert sorted((p["id"], p["value"], p["status"], p["start"], p["end"], p["conflict"],
                   p["unit"]) for p in points) == sorted(
        (r.fact_id, r.value, r.status, pd.Timestamp(r.period_start).date().isoformat(),
         pd.Timestamp(r.period_end).date().isoformat(), bool(r.conflict), r.unit)
        for r in chart_rows.itertuples())
    # a chart point opens its article at the span
    first = chart_rows.iloc[0]
    browser.execute_script(
        "document.querySelector(`#chart g.point[data-fact-id='${arguments[0]}']`)"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))", first["fact_id"])
    mark = _focused_mark(browser)
    mention = first["values"][0]
    assert (mark["doc"], mark["start"], mark["end"]) == (
        mention["doc_id"], mention["char_start"], mention["char_end"])

    # a row's mention link opens the article with that span highlighted and in view
    browser.get(browser.current_url.split("#")[0] + "#table")
    _filter(browser, entity, metric)
    link = browser.find_element(By.CSS_SELECTOR, "#fact-table tbody tr a.mention")
    row_id = link.find_element(By.XPATH, "./ancestor::tr").get_attribute("data-fact-id")
    link.click()
    mark = _focused_mark(browser)
    mention = by_id.loc[row_id, "values"][0]
    assert mark["doc"] == mention["doc_id"]
    assert (mark["start"], mark["end"]) == (mention["char_start"], mention["char_end"])
    assert mark["text"] == texts[mention["doc_id"]][mention["char_start"]:mention["char_end"]]
    assert mark["visible"]
    assert entity in mark["title"] and metric in mark["title"]
    article = browser.execute_script("return document.getElementById('doc-text').textContent")
    assert article == texts[mention["doc_id"]]
    assert _errors(browser) == []
    if os.environ.get("NEWSFACTS_SCREENSHOT"):
        _open(browser, seed_run / "report.html")
        _filter(browser, entity, metric)
        browser.find_element(By.ID, "chart-these").click()
        _screenshot(browser, Path(os.environ["NEWSFACTS_SCREENSHOT"]))


def test_seed_report_shows_the_evaluation_beside_the_text(browser: Any, seed_run: Path) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, seed_run / "report.html", "#quality")
    assert browser.find_element(By.ID, "tab-quality").is_displayed()
    text = browser.find_element(By.ID, "tab-quality").text
    assert "Core score" in text and "Missed gold facts" in text and "False positives" in text
    facts = list(read_facts(seed_run / "facts.jsonl"))
    doc_ids = sorted({f.doc_id for f in facts})
    browser.get(browser.current_url.split("#")[0] + "#doc=0")
    side = _wait(browser, "const s = document.querySelector('#article .side');"
                          "return s && s.textContent")
    assert f"Facts ({sum(f.doc_id == doc_ids[0] for f in facts)})" in side
    assert "Missed gold facts" in side or "Every gold fact found" in side
    # a false positive is listed beside its article and marked on its text
    evaluation = json.loads((seed_run / "summary.json").read_text())["evaluation"]
    order = [d.doc_id for d in read_documents([REPO / "corpus" / "seeds.jsonl"])
             if isinstance(d, Document)]
    for wrong in evaluation["false_positives"]:
        browser.get(browser.current_url.split("#")[0] + f"#doc={order.index(wrong['doc_id'])}")
        marked = _wait(browser, f"""
            const m = document.querySelector('#doc-text mark[data-start="{wrong["char_start"]}"]');
            return m && {{fp: m.classList.contains('fp'),
                          side: document.querySelector('#article .side').textContent}};""")
        assert marked["fp"]
        assert "False positives (" in marked["side"]


SONY = Document(
    doc_id="sony/2014-10-31.txt",
    published=date(2014, 10, 31),
    text=("Sony Corp said it expects to log a 50 billion yen net loss this financial year.\n"
          "Comment: <script>document.title='owned'</script> <img src=x onerror=alert(1)>"),
)


def _sony(surface: str, metric: str, *, start_shift: int = 0, end_shift: int = 0) -> Fact:
    start = SONY.text.index(surface)
    return Fact(doc_id=SONY.doc_id, entity="Sony", metric=metric, item=None, value=-5e10,
                unit="JPY", period="FY2014", period_start=date(2014, 4, 1),
                period_end=date(2015, 3, 31), status="forecast",
                char_start=start + start_shift, char_end=start + len(surface) + end_shift,
                evidence="", confidence=0.9)


def test_overlapping_spans_nest_and_document_markup_stays_text(browser: Any,
                                                               tmp_path: Path) -> None:
    base = _sony("50 billion yen", "net_income")
    nested = _sony("50 billion", "net_income_change")
    crossing = _sony("50 billion yen", "loss", start_shift=3, end_shift=4)
    facts = [base, nested, crossing]
    path = tmp_path / "report.html"
    write_report(path, documents=[SONY], facts=facts, table=build_fact_table(facts))
    _open(browser, path, "#doc=0")
    result = _wait(browser, """
        const pre = document.getElementById('doc-text');
        if (!pre) return null;
        return {text: pre.textContent, title: document.title,
                injected: pre.querySelectorAll('script, img').length,
                marks: [...pre.querySelectorAll('mark')].map(m => ({
                    text: m.textContent, start: m.dataset.start, cont: m.classList.contains('cont'),
                    parent: m.parentElement.tagName}))};
    """)
    assert result["text"] == SONY.text
    assert result["title"] == "newsfacts report"
    assert result["injected"] == 0
    start = base.char_start
    firsts = [(int(m["start"]), m["text"]) for m in result["marks"] if not m["cont"]]
    # the crossing span opens inside the other two and goes on in continuation marks
    assert firsts == [(start, "50 billion yen"), (start, "50 billion"), (start + 3, "billion")]
    assert [m["text"] for m in result["marks"] if m["cont"]] == [" yen", " net"]
    assert any(m["parent"] == "MARK" for m in result["marks"])


def _screenshot(browser: Any, target: Path) -> None:
    """The filtered table above the chart of the same entity and metric, one picture."""
    from selenium.webdriver.common.by import By

    browser.execute_script("""
        document.getElementById('tab-table').classList.add('active');
        const chart = document.getElementById('tab-charts');
        document.querySelector('main').insertBefore(chart, null);
        document.getElementById('overviews').previousElementSibling.remove();
        document.getElementById('overviews').remove();
        document.getElementById('run-details').remove();
    """)
    target.parent.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(2400, height + 200))
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(2400, height + 200))
    browser.find_element(By.TAG_NAME, "main").screenshot(str(target))
    browser.set_window_size(1400, 1000)
    assert target.stat().st_size > 10_000


ACME = Document(
    doc_id="acme-1",
    published=date(2014, 2, 3),
    text=("Acme Widgets said revenue rose to $1.5 billion in 2013, while revenue growth was "
          "35.3 percent lower. Acme expects revenue of $1.7 billion in 2014. Bolt Tools "
          "earned $20 million in 2013. Bolt Tools cut 120 jobs."),
)
ACME2 = Document(doc_id="acme-2", published=date(2014, 2, 9),
                 text="Bolt Tools earned $25 million in 2013, the wire said.")


def _acme(doc: Document, surface: str, *, entity: str, metric: str, value: float, unit: str,
          status: str = "actual", year: int | None = 2013, confidence: float = 0.9) -> Fact:
    start = doc.text.index(surface)
    return Fact(doc_id=doc.doc_id, entity=entity, metric=metric, item=None, value=value,
                unit=unit, period=str(year) if year else None,
                period_start=date(year, 1, 1) if year else None,
                period_end=date(year, 12, 31) if year else None,
                status=status,  # type: ignore[arg-type]
                char_start=start, char_end=start + len(surface),
                evidence=_sentence(doc.text, start), confidence=confidence)


def _sentence(text: str, position: int) -> str:
    begin = text.rfind(". ", 0, position)
    return text[begin + 2 if begin >= 0 else 0:text.index(".", position + 4) + 1]


def test_every_filter_keeps_the_rows_it_names(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    facts = [
        _acme(ACME, "$1.5 billion", entity="Acme Widgets", metric="revenue", value=1.5e9,
              unit="USD"),
        _acme(ACME, "35.3 percent", entity="Acme Widgets", metric="revenue_change",
              value=-35.3, unit="percent", confidence=0.8),
        _acme(ACME, "$1.7 billion", entity="Acme Widgets", metric="revenue", value=1.7e9,
              unit="USD", status="forecast", year=2014, confidence=0.6),
        _acme(ACME, "$20 million", entity="Bolt Tools", metric="net_income", value=2e7,
              unit="USD"),
        _acme(ACME2, "$25 million", entity="Bolt Tools", metric="net_income", value=2.5e7,
              unit="USD"),
        _acme(ACME, "120", entity="Bolt Tools", metric="job_cuts", value=120, unit="count",
              year=None, confidence=0.5),
    ]
    table = build_fact_table(facts)
    assert len(table) == 5 and table["conflict"].sum() == 1
    path = tmp_path / "report.html"
    write_report(path, documents=[ACME, ACME2], facts=facts, table=table)
    _open(browser, path)

    def shown() -> list[tuple[str, str, str]]:
        return [tuple(r) for r in browser.execute_script(
            "return [...document.querySelectorAll('#fact-table tbody tr')].map(tr => "
            "[tr.cells[0].textContent, tr.cells[1].textContent, tr.cells[3].textContent])")]

    def only(field: str, value: str) -> list[tuple[str, str, str]]:
        browser.find_element(By.ID, "f-clear").click()
        element = browser.find_element(By.ID, field)
        if element.tag_name == "select":
            select = Select(element)
            select.select_by_visible_text(
                next(o.text for o in select.options if o.text.startswith(value)))
        else:
            element.send_keys(value)
        return sorted(shown())

    assert sorted(shown()) == sorted([
        ("Acme Widgets", "revenue", "USD 1.5 bn"), ("Acme Widgets", "revenue", "USD 1.7 bn"),
        ("Acme Widgets", "revenue_change", "−35.3 %"), ("Bolt Tools", "job_cuts", "120"),
        ("Bolt Tools", "net_income", "USD 25.0 mnconflict")])
    exact = browser.find_element(By.CSS_SELECTOR, "#fact-table tbody tr td.num").get_attribute(
        "title")
    assert exact in {"1,500,000,000 USD", "1,700,000,000 USD", "-35.3 percent", "120 count",
                     "25,000,000 USD"}
    assert only("f-entity", "acme w") == [
        ("Acme Widgets", "revenue", "USD 1.5 bn"), ("Acme Widgets", "revenue", "USD 1.7 bn"),
        ("Acme Widgets", "revenue_change", "−35.3 %")]
    assert only("f-status", "forecast") == [("Acme Widgets", "revenue", "USD 1.7 bn")]
    assert only("f-from", "2014") == [("Acme Widgets", "revenue", "USD 1.7 bn")]
    assert [r[1] for r in only("f-to", "2013-06")] == [
        "revenue", "revenue_change", "net_income"]
    assert only("f-conflict", "conflicts only") == [
        ("Bolt Tools", "net_income", "USD 25.0 mnconflict")]
    assert [r[1] for r in only("f-conf", "0.85")] == ["revenue"]
    assert only("f-text", "EXPECTS revenue") == [("Acme Widgets", "revenue", "USD 1.7 bn")]
    assert only("f-text", "nothing like this") == []
    assert browser.find_element(By.ID, "row-count").text == "0 of 5 rows"
    # a mark in an article leads back to its row in the table
    browser.get(browser.current_url.split("#")[0] + "#doc=1")
    _wait(browser, "return document.querySelector('#doc-text mark')")
    browser.find_element(By.CSS_SELECTOR, "#doc-text mark").click()
    _wait(browser, "return document.getElementById('tab-table').classList.contains('active')")
    picked = browser.find_elements(By.CSS_SELECTOR, "#fact-table tbody tr.picked")
    assert [p.text.split("\n")[0][:20] for p in picked] == ["Bolt Tools net_incom"]
