"""Organization names: canonical forms, aliases, units and the words that are never subjects.

Pure functions over strings (no spaCy): the organizations component finds the mentions, this
module decides what they are called. The language data lives in configs/organizations.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, model_validator

from .language_data import duplicates, load
from .user_aliases import UserAliases, active_user_aliases

OrgKind = Literal["company", "unit", "public"]
Via = Literal["ner", "gazetteer", "ticker", "pattern", "coref", "structure"]


@dataclass(frozen=True, slots=True)
class OrgMention:
    """What an organization mention refers to.

    `via` says how it was found: the tagger ("ner"), the alias list ("gazetteer"), a stock
    ticker beside it ("ticker"), a syntactic pattern such as a proper name owning a figure
    ("pattern"), or a pronoun/description resolved to an earlier mention ("coref").
    """

    name: str
    kind: OrgKind = "company"
    parent: str | None = None
    via: Via = "ner"


class UnitEntry(BaseModel):
    parent: str
    aliases: list[str] = []
    keywords: list[str] = []


class OrganizationData(BaseModel):
    """Schema of configs/organizations.yaml."""

    companies: dict[str, list[str]]
    units: dict[str, UnitEntry]
    products: list[str]
    legal_suffixes: list[str]
    legal_prefixes: list[str]
    leading_descriptors: list[str]
    leading_kind_words: list[str]
    headline_verbs: list[str]
    unit_words: list[str]
    unit_name_heads: list[str]
    news_outlets: list[str]
    exchanges: list[str]
    not_organizations: list[str]
    generic_words: list[str]
    company_heads: list[str]
    company_pronouns: list[str]
    unit_heads: list[str]
    metric_nouns: list[str]
    person_titles: list[str]
    honorifics: list[str]
    speech_verbs: list[str]
    result_verbs: list[str]
    headline_subjects: list[str]
    public_bodies: list[str]
    countries: list[str]
    public_body_heads: list[str]

    @model_validator(mode="after")
    def _aliases_unique(self) -> OrganizationData:
        surfaces = {name: [name, *forms] for name, forms in self.companies.items()}
        for name, unit in self.units.items():
            if name in surfaces:
                raise ValueError(f"{name!r} is both a company and a unit")
            surfaces[name] = [name, *unit.aliases]
        clashes = duplicates(surfaces)
        if clashes:
            raise ValueError("surface forms with two owners: " + "; ".join(clashes))
        return self


class _CalendarNames(BaseModel):
    aliases: list[str] = []


class _FiscalCalendarNames(BaseModel):
    """The names in configs/fiscal_calendars.yaml (the calendars themselves are periods')."""

    companies: dict[str, _CalendarNames]


@cache
def organization_data() -> OrganizationData:
    """The validated organization language data (loaded once per process)."""
    return load("organizations.yaml", OrganizationData)


def _company_surfaces() -> dict[str, list[str]]:
    return _company_surfaces_with(active_user_aliases())


@cache
def _company_surfaces_with(user: UserAliases | None) -> dict[str, list[str]]:
    """Canonical company name -> its surface forms, from organizations.yaml and the alias lists
    of fiscal_calendars.yaml, so that one name is used everywhere ("Nissan Motor Co" ->
    "Nissan"). A calendar entry that shares a surface with a listed company joins that company
    under the listed name. The user alias file comes last: its companies keep every form it
    gives them, taken from any shipped owner."""
    companies = {name: [name, *forms] for name, forms in organization_data().companies.items()}
    owner = {fold(form): name for name, forms in companies.items() for form in forms}
    calendars = load("fiscal_calendars.yaml", _FiscalCalendarNames).companies
    for name, entry in calendars.items():
        forms = [name, *entry.aliases]
        listed = next((owner[fold(f)] for f in forms if fold(f) in owner), name)
        fresh = [f for f in forms if fold(f) not in owner]
        companies.setdefault(listed, []).extend(fresh)
        owner.update({fold(f): listed for f in fresh})
    if user is None:
        return companies
    own = {name: list(forms) for name, forms in user.companies}
    for name, calendar in user.calendars:
        own.setdefault(name, []).extend(calendar.aliases)
    for name, added in own.items():
        taken = {fold(f) for f in (name, *added)}
        for other, surfaces in companies.items():
            if other != name:
                surfaces[:] = [f for f in surfaces if fold(f) not in taken]
        companies.setdefault(name, [name])
        companies[name].extend(f for f in added if f not in companies[name])
    return {name: forms for name, forms in companies.items() if forms}


def fold(text: str) -> str:
    """Lookup key: case-folded, whitespace collapsed, outer punctuation dropped."""
    return " ".join(text.casefold().split()).strip(" .,;:'\"()")


def _alias_index() -> dict[str, tuple[str, OrgKind, str | None]]:
    return _alias_index_with(active_user_aliases())


@cache
def _alias_index_with(user: UserAliases | None) -> dict[str, tuple[str, OrgKind, str | None]]:
    data = organization_data()
    index: dict[str, tuple[str, OrgKind, str | None]] = {}
    surfaces = _company_surfaces_with(user)
    for name, forms in surfaces.items():
        for form in forms:
            index[fold(form)] = (name, "company", None)
    for name, unit in data.units.items():
        for form in (name, *unit.aliases):
            index[fold(form)] = (name, "unit", unit.parent)
    for name in _user_names(user):
        for form in surfaces.get(name, ()):
            index[fold(form)] = (name, "company", None)
    return index


def gazetteer() -> dict[str, str]:
    """Every listed surface form (companies and units) -> its canonical name."""
    data = organization_data()
    companies = _company_surfaces()
    surfaces: dict[str, str] = {}
    for name, forms in companies.items():
        surfaces.update({form: name for form in forms})
    for name, unit in data.units.items():
        surfaces.update({form: name for form in (name, *unit.aliases)})
    for name in _user_names(active_user_aliases()):
        surfaces.update({form: name for form in companies.get(name, ())})
    return surfaces


def _user_names(user: UserAliases | None) -> list[str]:
    """The companies of the user alias file, which win over shipped units of the same name."""
    if user is None:
        return []
    return list(dict.fromkeys([*(n for n, _ in user.companies), *(n for n, _ in user.calendars)]))


def lookup(name: str) -> tuple[str, OrgKind, str | None] | None:
    """(canonical name, kind, parent) of a listed name or alias, else None."""
    return _alias_index().get(fold(name))


@cache
def _folded_set(field: str) -> frozenset[str]:
    values: list[str] = getattr(organization_data(), field)
    return frozenset(fold(v) for v in values)


_WEB_DOMAIN = re.compile(r"\.(?:com|co\.uk|net|org|in)$", re.IGNORECASE)


def is_news_outlet(name: str) -> bool:
    """A news outlet, agency or analyst house: a source of figures, never their subject.
    A photo credit naming one counts too ("Enrique Calvo/Reuters")."""
    outlets = _folded_set("news_outlets")
    folded = fold(name)
    if folded in outlets or fold(strip_tickers(name)) in outlets:
        return True
    site = _WEB_DOMAIN.sub("", name)  # "Marketbeat.com" is MarketBeat's site
    if site != name and fold(site) in outlets:
        return True
    parts = name.split("/")
    return len(parts) > 1 and fold(parts[-1]) in outlets


def is_exchange(name: str) -> bool:
    """A stock exchange, market or index ("HEL", "OMX Helsinki", "FTSE 100")."""
    return fold(name) in _folded_set("exchanges")


def is_not_organization(name: str) -> bool:
    """Words the tagger mislabels as organizations: currencies, wire labels, exchanges, products,
    a headline's analysts."""
    folded = fold(name)
    return (
        folded in _folded_set("not_organizations")
        or folded in _folded_set("exchanges")
        or folded in _folded_set("products")
        or folded in _folded_set("headline_subjects")  # "Beats Estimates" -> "Estimates"
        or not any(ch.isalpha() for ch in folded)
    )


def word_set(field: str) -> frozenset[str]:
    """A word list of the language data, case-folded (e.g. "unit_words", "company_heads")."""
    return _folded_set(field)


def is_public_body(name: str) -> bool:
    """A state, government body, central bank, regulator, statistics office or political body: named
    whole ("Office for National Statistics", "Fed") or by its head word, the last one or the one
    before "of"/"for" ("Ministry of Finance", "EU Commission"; not "Party City")."""
    if fold(name) in _folded_set("public_bodies"):
        return True
    if fold(re.sub(r"['\"’]s$", "", name.strip())) in _folded_set("countries"):
        return True  # a state: "Qatar", "Brazil's"
    words = [fold(w) for w in name.split()]
    heads = _folded_set("public_body_heads")
    if words and words[-1] in heads:
        return True
    return any(w in heads for w, nxt in pairwise(words) if nxt in {"of", "for"})


def kind_of(name: str) -> tuple[OrgKind, str | None]:
    """("unit", parent) for a listed business unit, ("public", None) for a public body, else
    ("company", None)."""
    entry = lookup(name)
    if entry is not None and entry[1] == "unit":
        return "unit", entry[2]
    if entry is None and is_public_body(name):
        return "public", None
    return "company", None


def unit_by_keyword(parent: str, words: list[str]) -> str | None:
    """The listed unit of `parent` whose business words include one of `words`."""
    folded = {w.casefold() for w in words}
    for name, unit in organization_data().units.items():
        if unit.parent == parent and folded & {k.casefold() for k in unit.keywords}:
            return name
    return None


@cache
def ticker_pattern() -> re.Pattern[str]:
    """Wire and exchange tickers: "<STCH.L>", "( HEL : RAP1V )", "(NASDAQ:TERP, CVE:ENW)"."""
    exchanges = sorted(organization_data().exchanges, key=len, reverse=True)
    exch = "|".join(re.escape(e).replace(r"\ ", r"\s+") for e in exchanges)
    one = rf"(?:{exch})\s*:\s*[A-Z][A-Z0-9.\-]*"
    return re.compile(
        rf"<[A-Z0-9][A-Za-z0-9.\-]*>"
        rf"|\(\s*{one}(?:\s*[,;]\s*{one})*\s*\)"
        rf"|\b{one}\b"
    )


def strip_tickers(text: str) -> str:
    """The text without stock tickers, whitespace collapsed."""
    return " ".join(ticker_pattern().sub(" ", text).split())


_TRAILING_CONNECTORS = frozenset({"of", "and", "&", "de", "du", "van", "von"})
_INNER_CONNECTORS = frozenset({"of", "and", "the", "for", "de", "du", "van", "von"})
_SYLLABLE = re.compile(r"[^AEIOUY][AEIOUY][^AEIOUY]", re.I)
_POSSESSIVE = re.compile(r"\s*['’]s?$")


def _drop_words(words: list[str], folded: frozenset[str], *, from_end: bool) -> list[str]:
    while len(words) > 1:
        word = words[-1] if from_end else words[0]
        if fold(word) not in folded and fold(word.rstrip(".,")) not in folded:
            break
        words = words[:-1] if from_end else words[1:]
    return words


def _drop_leading(words: list[str], folded: frozenset[str]) -> list[str]:
    """Leading `folded` words dropped, unless only a legal form would be left ("Rev Group")."""
    kept = _drop_words(words, folded, from_end=False)
    return kept if any(fold(w) not in word_set("legal_suffixes") for w in kept) else words


def _title_case(words: list[str]) -> list[str]:
    """Headline capitals to name case; acronyms stay (VMC, KCI, BT), "DEL" -> "Del"."""

    def is_acronym(word: str) -> bool:
        return len(word) <= 2 or (len(word) == 3 and not _SYLLABLE.fullmatch(word))

    def fix(word: str) -> str:
        for mark in "-/":
            parts = word.split(mark)
            if len(parts) > 1:
                return mark.join(fix(p) for p in parts)
        if not word.isalpha():
            return word[:1] + word[1:].lower() if len(word) > 3 and word[:-1].isalpha() else word
        return word if is_acronym(word) else word.capitalize()

    return [
        w.lower() if 0 < i < len(words) - 1 and fold(w) in _INNER_CONNECTORS else fix(w)
        for i, w in enumerate(words)
    ]


def headline_case(name: str) -> str:
    """An all-caps name in name case, acronyms kept ("KCI KONECRANES" -> "KCI Konecranes")."""
    letters = [ch for ch in name if ch.isalpha()]
    if not letters or not all(ch.isupper() for ch in letters):
        return name
    return " ".join(_title_case(name.split()))


_SHARES_OF = frozenset({"shares of", "shares in", "stock of", "units of"})
_FRAGMENT_STARTS = frozenset({"of", "for", "and", "&"})


def canonical_name(surface: str) -> str:
    """The name an organization is filed under.

    Tickers, possessive "'s", a leading "the", wire labels ("Shr", "Final"), nationality words,
    legal forms and a dangling "of" are dropped,
    listed aliases map to their canonical name, and an all-caps headline name of several
    words is title-cased: "Vaahto Group Oyj" -> "Vaahto", "Sony Corp" -> "Sony",
    "CALUMET INDUSTRIES <CALI>" -> "Calumet Industries".
    """
    text = _POSSESSIVE.sub("", strip_tickers(surface)).strip(" ,;:()\"'")
    if "(" in text and surface.rstrip().endswith(")") and text.count("(") > text.count(")"):
        text += ")"  # "Jerash Holdings (US)": a closed parenthesis is part of the name
    listed = lookup(text)
    if listed is not None:
        return listed[0]
    words = text.split()
    if len(words) > 1 and words[0].casefold() == "the":
        words = words[1:]
    if len(words) > 2 and fold(" ".join(words[:2])) in _SHARES_OF:
        words = words[2:]  # "Shares of Acme Home Furnishings"
    if words and fold(words[0]) in _FRAGMENT_STARTS:
        return ""  # "of Directors" out of "Board of Directors": a fragment, no name
    words = _drop_leading(words, word_set("not_organizations"))  # "Rev Group" keeps "Rev"
    words = _drop_leading(words, word_set("leading_kind_words"))  # "REIT Acme Centers Inc"
    registered = fold(words[-1].rstrip(".,")) in word_set("legal_suffixes")
    if not registered:  # "American Pulley Inc" is a registered name, "German Acme" is not
        described = _drop_words(words, word_set("leading_descriptors"), from_end=False)
        if len(" ".join(described)) > 2:  # but "Swiss Re" is not "Re"
            words = described
    words = _drop_words(words, word_set("legal_prefixes"), from_end=False)
    words = [w.rstrip(",") for w in words]
    verbs = [i for i, w in enumerate(words) if i > 0 and fold(w) in word_set("headline_verbs")]
    if verbs:  # "Acme Group Drops Bid for Bolt", but "Analysts Expect Acme Retail"
        before, after = words[: verbs[0]], words[verbs[0] + 1 :]
        subjects = word_set("headline_subjects")
        words = after if all(fold(w) in subjects for w in before) else before
    words = _drop_leading(words, word_set("headline_verbs"))
    words = _drop_leading(words, word_set("headline_subjects"))  # "Beats Estimates": no name
    trailing = word_set("legal_suffixes") | _TRAILING_CONNECTORS
    words = _drop_words(words, trailing, from_end=True)
    joined = " ".join(words)
    letters = [ch for ch in joined if ch.isalpha()]
    if len(text.split()) > 1 and letters and all(ch.isupper() for ch in letters):
        joined = " ".join(_title_case(words))
    listed = lookup(joined)
    return listed[0] if listed is not None else joined


def same_organization(a: str, b: str) -> bool:
    """Equal after the scoring normalization: case, punctuation and legal suffixes ignored."""
    return match_key(a) == match_key(b)


@cache
def _suffix_keys() -> frozenset[str]:
    """The legal suffixes without punctuation, as `match_key` compares words (built once,
    not per name: `match_key` runs for every mention pair)."""
    return frozenset(re.sub(r"[^\w]", "", s) for s in word_set("legal_suffixes"))


def match_key(name: str) -> str:
    """Name as the scorer compares it: case-folded, punctuation dropped, legal forms dropped."""
    words = re.sub(r"[^\w\s]", " ", name.casefold()).split()
    suffixes = _suffix_keys()
    while len(words) > 1 and words[-1] in suffixes:
        words.pop()
    return " ".join(words)
