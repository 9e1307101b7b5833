"""Demo customer master and demo users: believable DE/AT/NL/BE/FR companies and a collections team.

The demo must look like a real shared-service centre's ledger so that every page can be shown on
it: company names with the right legal form per country, correspondence languages (BE splits
between Dutch and French), portfolios by country and company code, risk classes that match how a
customer pays. Only example phone numbers and ``*.example.com`` e-mail domains are used.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np
import polars as pl

from ar_core.demo import names
from ar_core.schema import CUSTOMER_SCHEMA

#: Shared demo password scheme, printed by the README: "ardesk-" + the user's role + "-demo"
#: (e.g. ``ardesk-lead-demo``: at least 12 characters, like every password).
PASSWORD_PREFIX = "ardesk-"  # noqa: S105 - public demo passwords, printed in the README
PASSWORD_SUFFIX = "-demo"  # noqa: S105

#: (username, name, senior, company codes, countries they work on)
COLLECTORS: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("c.meyer", "Claudia Meyer", True, ("1000",)),
    ("j.schneider", "Jonas Schneider", False, ("1000",)),
    ("t.becker", "Tobias Becker", False, ("1000",)),
    ("m.wagner", "Miriam Wagner", False, ("1000",)),
    ("s.dejong", "Sanne de Jong", True, ("2000",)),
    ("r.bakker", "Ruben Bakker", False, ("2000",)),
    ("l.peeters", "Lotte Peeters", False, ("3000",)),
    ("e.dubois", "Élise Dubois", True, ("3000",)),
)


def _user(username: str, name: str, role: str, *, senior: bool = False, codes: tuple[str, ...] = ()) -> dict:
    return {
        "username": username,
        "name": name,
        "email": f"{username}@ar-desk.example.com",
        "password": PASSWORD_PREFIX + role + PASSWORD_SUFFIX,
        "roles": [role],
        "senior": senior,
        "portfolio": {"company_codes": list(codes), "customers": []},
    }


#: The demo team. Collectors own their customers through the customer master's ``collector``
#: column; ``portfolio["company_codes"]`` names the company codes they work in.
DEMO_USERS: list[dict] = [
    _user("lena.lead", "Lena Hartmann", "lead"),
    _user("carl.controller", "Carl Jansen", "controller"),
    _user("ada.admin", "Ada Kramer", "admin"),
    *(_user(u, n, "collector", senior=s, codes=c) for u, n, s, c in COLLECTORS),
]

#: Company code per customer country (all company codes keep their books in EUR).
COMPANY_CODE = {"DE": "1000", "AT": "1000", "NL": "2000", "BE": "3000", "FR": "3000"}
#: Customer-number ranges per country (account groups).
ID_BASE = {"DE": 100000, "AT": 150000, "NL": 200000, "BE": 300000, "FR": 350000}
COUNTRY_SHARE = {"DE": 0.40, "AT": 0.08, "NL": 0.25, "BE": 0.15, "FR": 0.12}
#: Collector split per country / language (BE customers follow their language).
PORTFOLIO = {
    "DE": (("c.meyer", "j.schneider", "t.becker", "m.wagner"), (0.3, 0.3, 0.3, 0.1)),
    "AT": (("m.wagner",), (1.0,)),
    "NL": (("s.dejong", "r.bakker"), (0.5, 0.5)),
    "BE-nl": (("l.peeters",), (1.0,)),
    "BE-fr": (("e.dubois",), (1.0,)),
    "FR": (("e.dubois", "l.peeters"), (0.6, 0.4)),
}
#: Payment terms key -> days net.
TERMS_DAYS = {"Z014": 14, "Z030": 30, "Z045": 45, "Z060": 60}
#: Payment behaviour classes and their share of customers.
BEHAVIOURS = ("good", "average", "slow", "chronic")
BEHAVIOUR_SHARE = (0.55, 0.25, 0.15, 0.05)
#: Document volume factor per behaviour (a chronic late payer is seldom a key account).
VOLUME_BY_BEHAVIOUR = (1.0, 1.0, 0.6, 0.3)
#: Risk class distribution per behaviour (A best .. D worst).
RISK_BY_BEHAVIOUR = ((0.5, 0.4, 0.1, 0.0), (0.2, 0.5, 0.25, 0.05), (0.0, 0.3, 0.5, 0.2), (0.0, 0.0, 0.3, 0.7))
#: Foreign document currencies and their fixed demo rate in EUR per unit.
FX_RATES = {"CHF": Decimal("1.0650"), "GBP": Decimal("1.1720"), "USD": Decimal("0.9210")}


@dataclass(frozen=True)
class CustomerBook:
    """The customer master plus the hidden attributes that drive the ledger simulation."""

    master: pl.DataFrame  #: CUSTOMER_SCHEMA columns
    weight: np.ndarray  #: share of the document volume per customer (sums to 1)
    behaviour: np.ndarray  #: index into BEHAVIOURS
    terms_days: np.ndarray
    doc_currency: np.ndarray  #: "" (EUR only) or a foreign currency of FX_RATES
    story: np.ndarray  #: 0, or the code of the demo story the customer plays (see STORIES)


@dataclass(frozen=True)
class Story:
    """A customer the demo shapes on purpose, so the worklist and the huddle have a case to show."""

    code: int  #: > 0, stored in :attr:`CustomerBook.story`
    key: str
    name: str  #: a name the generator's word lists cannot produce (stays unique)
    country: str
    behaviour: int  #: index into BEHAVIOURS: how the customer paid before the story
    risk_class: str
    terms: str | None  #: None: the customer keeps its terms (a story cast ``in_place``)
    volume: float  #: the customer's document volume as a quantile of all customers' volumes
    #: Cast on the free customer of the country with the story's behaviour whose volume is nearest,
    #: keeping its volume and terms: the regular ledger is then drawn exactly as without the story
    #: (same documents, amounts and numbers for every other customer) and only the story's own
    #: lines change (:func:`ar_core.demo.ledger.simulate`).
    in_place: bool = False


SERIAL_PAYER, INSOLVENCY, BIG_DISPUTE, CREDIT_BALANCE = 1, 2, 3, 4
#: The customer group whose group prices the price-list change lost (one code per member).
PRICING_GROUP: tuple[int, ...] = (5, 6, 7, 8)
LOGISTICS_HUB = 9
#: The group's name stem: its members share it, as the companies of one group do in a ledger.
GROUP_STEM = "Sommerfeld Baustoffe"
#: The demo's deliberate cases (README "Demo data"). Their ledger is shaped in
#: :mod:`ar_core.demo.ledger`, their contact and promise history in :mod:`ar_core.demo.stories`
#: and their dispute cases in :mod:`ar_core.demo.cases`.
STORIES: tuple[Story, ...] = (
    # promises to pay every other week and breaks each one; pays late, but pays
    Story(SERIAL_PAYER, "serial payer", "Van Houten Groothandel B.V.", "NL", 2, "C", "Z030", 0.97),
    # paid on time for years, stopped paying a month before the first snapshot: overdue and
    # dunning levels grow every week, no payment comes in
    Story(INSOLVENCY, "insolvency", "Brandt Gerüstbau GmbH", "DE", 0, "B", "Z030", 0.95),
    # a large key account that disputes a third of its recent invoices (price, quantity, damage)
    Story(BIG_DISPUTE, "big dispute", "Groupe Lemaire Industrie SAS", "FR", 1, "A", "Z045", 0.995),
    # paid an invoice run twice: a large unapplied payment makes the balance negative
    Story(CREDIT_BALANCE, "credit balance", "Auer Kältetechnik GmbH", "AT", 0, "A", "Z030", 0.9),
    # a customer group whose agreed group prices were not carried into the price list of early
    # October: since then it disputes most invoices as PRICE_LIST (credit notes for the difference)
    *(
        Story(
            code, f"pricing group {key}", f"{GROUP_STEM} {name}", country, behaviour, risk, None, volume, True
        )
        for code, key, name, country, behaviour, risk, volume in (
            (PRICING_GROUP[0], "north", "Nord GmbH", "DE", 0, "A", 0.93),
            (PRICING_GROUP[1], "south", "Süd GmbH", "DE", 0, "B", 0.9),
            (PRICING_GROUP[2], "west", "West GmbH & Co. KG", "DE", 1, "A", 0.87),
            (PRICING_GROUP[3], "austria", "Österreich GmbH", "AT", 0, "A", 0.88),
        )
    ),
    # a cross-dock warehouse whose goods receipt counts deliveries short: QUANTITY disputes all
    # quarter, each waiting for logistics' proof of delivery
    Story(LOGISTICS_HUB, "logistics hub", "Venlo Logistics Hub B.V.", "NL", 0, "B", None, 0.97, True),
)
#: Story codes cast in place: their regular lines are drawn, then replaced by the story's.
IN_PLACE: tuple[int, ...] = tuple(s.code for s in STORIES if s.in_place)
#: Story keys of the pricing group's members.
GROUP_KEYS: tuple[str, ...] = tuple(s.key for s in STORIES if s.code in PRICING_GROUP)


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _pick(rng: np.random.Generator, options: tuple[tuple[str, float], ...]) -> str:
    names, weights = zip(*options, strict=True)
    return str(rng.choice(names, p=np.array(weights) / sum(weights)))


def _company_name(rng: np.random.Generator, country: str, lang: str, *, branch: bool = False) -> str:
    """A company name in the customer's language with the country's legal form.

    ``branch`` adds a city, as ledgers do for a second legal entity of the same group.
    """
    if country in ("DE", "AT"):
        surname = str(rng.choice(names.DE_NAMES if country == "DE" else names.AT_NAMES))
        trade = str(rng.choice(names.DE_TRADES))
        form = _pick(rng, names.DE_FORMS if country == "DE" else names.AT_FORMS)
        style = rng.integers(0, 4)
        core = {
            0: f"{surname} {trade}",
            1: f"{trade} {surname}",
            2: f"{surname} & Söhne",
            3: f"{surname} {trade}",
        }
        return f"{core[int(style)]}{_city(rng, country, branch)} {form}"
    if country == "NL" or (country == "BE" and lang == "nl"):
        surname = str(rng.choice(names.NL_NAMES if country == "NL" else names.BE_NL_NAMES))
        trade = str(rng.choice(names.NL_TRADES))
        form = _pick(rng, names.NL_FORMS if country == "NL" else names.BE_NL_FORMS)
        core = f"{surname[0].upper()}{surname[1:]} {trade}"
        return f"{core}{_city(rng, country, branch)} {form}"
    surname = str(rng.choice(names.FR_NAMES))
    trade = str(rng.choice(names.FR_TRADES))
    form = _pick(rng, names.FR_FORMS if country == "FR" else names.BE_FR_FORMS)
    style = rng.integers(0, 3)
    core = {0: f"{trade} {surname}", 1: f"{surname} {trade}", 2: f"Société {surname}"}[int(style)]
    return f"{core}{_city(rng, country, branch)} {form}"


def _city(rng: np.random.Generator, country: str, branch: bool) -> str:
    return f" {rng.choice(names.CITIES[country])}" if branch else ""


def _unique_name(rng: np.random.Generator, country: str, lang: str, seen: set[str]) -> str:
    """Customer names are unique in the ledger: retry, then add a city, then a number."""
    for attempt in range(12):
        name = _company_name(rng, country, lang, branch=attempt >= 4)
        if name not in seen:
            break
    else:
        name = f"{name} {len(seen)}"
    seen.add(name)
    return name


#: Demo streets by the language of the customer's town (French addresses put the number first).
STREETS = {
    "de": ("Hauptstraße", "Bahnhofstraße", "Industriestraße", "Lindenallee", "Am Hafen", "Gewerbering"),
    "nl": ("Kerkstraat", "Industrieweg", "Stationsweg", "Havenstraat", "Dorpsstraat", "Molenweg"),
    "fr": ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Pasteur"),
}


_TOWN_LANGUAGE = {"DE": "de", "AT": "de", "NL": "nl", "FR": "fr"}


def _postcode(rng: np.random.Generator, country: str) -> str:
    if country == "NL":
        letters = "".join(rng.choice(list("ABCDEGHJKLMNPRSTVWXZ"), size=2))
        return f"{rng.integers(1000, 9999)} {letters}"
    return str(rng.integers(1000, 9999) if country in ("AT", "BE") else rng.integers(10000, 99999))


def _addresses(master: pl.DataFrame) -> list[pl.Series]:
    """Street, postcode and city of each customer, drawn from its own number (so that adding the
    address draws nothing from the book's generator and leaves the rest of the demo as it was)."""
    streets, postcodes, cities = [], [], []
    for cid, country, lang in master.select("customer_id", "country", "language").iter_rows():
        rng = np.random.default_rng([int(cid), 22])
        local = _TOWN_LANGUAGE.get(country) or ("fr" if lang == "fr" else "nl")  # Belgium: both
        street, number = str(rng.choice(STREETS[local])), int(rng.integers(1, 180))
        streets.append(f"{number} {street}" if local == "fr" else f"{street} {number}")
        postcodes.append(_postcode(rng, country))
        cities.append(str(rng.choice(names.CITIES[country])))
    return [
        pl.Series("street", streets, dtype=pl.String),
        pl.Series("postcode", postcodes, dtype=pl.String),
        pl.Series("city", cities, dtype=pl.String),
    ]


def make_customers(n: int, rng: np.random.Generator) -> CustomerBook:
    """``n`` customers with master data and payment behaviour, reproducible from ``rng``.

    Customers are few (at most a few thousand), so a plain loop is fine here; the ledger with its
    million lines is what gets vectorised.
    """
    countries = list(COUNTRY_SHARE)
    country = rng.choice(countries, size=n, p=list(COUNTRY_SHARE.values()))
    behaviour = rng.choice(len(BEHAVIOURS), size=n, p=BEHAVIOUR_SHARE)
    # big accounts rarely pay chronically late: slow and chronic payers are smaller customers
    weight = rng.lognormal(0.0, 1.1, size=n) * np.array(VOLUME_BY_BEHAVIOUR)[behaviour]
    terms_keys = list(TERMS_DAYS)
    terms = rng.choice(terms_keys, size=n, p=(0.2, 0.5, 0.1, 0.2))
    foreign = np.where(rng.random(n) < 0.06, rng.choice(list(FX_RATES), size=n), "")
    seq = dict.fromkeys(countries, 0)
    rows, seen = [], set()
    for i in range(n):
        ctry = str(country[i])
        lang = {"DE": "de", "AT": "de", "NL": "nl", "FR": "fr"}.get(ctry) or (
            "nl" if rng.random() < 0.6 else "fr"
        )
        portfolio_key = f"BE-{lang}" if ctry == "BE" else ctry
        name = _unique_name(rng, ctry, lang, seen)
        if rng.random() < 0.03:
            lang = "en"  # international subsidiaries correspond in English
        seq[ctry] += 1 + int(rng.integers(0, 3))
        cid = str(ID_BASE[ctry] + seq[ctry])
        collectors, shares = PORTFOLIO[portfolio_key]
        b = int(behaviour[i])
        risk = "ABCD"[int(rng.choice(4, p=RISK_BY_BEHAVIOUR[b]))]
        limit = max(5_000, round(weight[i] * 40_000 / 5_000) * 5_000) // (2 if risk == "D" else 1)
        first = str(rng.choice(names.FIRST_NAMES[lang]))
        contact_surname = str(
            rng.choice(names.NL_NAMES if lang == "nl" else names.FR_NAMES if lang == "fr" else names.DE_NAMES)
        )
        slug = _ascii(name.rsplit(" ", 1)[0])[:24]
        phone = names.PHONE_PREFIX[ctry]
        rows.append(
            {
                "customer_id": cid,
                "name": name,
                "country": ctry,
                "language": lang,
                "collector": str(rng.choice(collectors, p=shares)),
                "risk_class": risk,
                "credit_limit": Decimal(limit).quantize(Decimal("0.01")),
                "credit_limit_currency": "EUR",
                "payment_terms": str(terms[i]),
                "company_code": COMPANY_CODE[ctry],
                "contact_name": f"{first} {contact_surname[0].upper()}{contact_surname[1:]}",
                "contact_phone": f"{phone} {rng.integers(20, 99)} {rng.integers(1_000_000, 9_999_999)}",
                "contact_email": f"{_ascii(first)}.{_ascii(contact_surname)}@{slug}.example.com",
            }
        )
    master = pl.DataFrame(rows, schema=CUSTOMER_SCHEMA)
    master = master.with_columns(_addresses(master))
    return CustomerBook(
        master=master,
        weight=weight / weight.sum(),
        behaviour=behaviour,
        terms_days=np.array([TERMS_DAYS[t] for t in terms], dtype=np.int32),
        doc_currency=foreign,
        story=np.zeros(n, dtype=np.int8),
    )


def with_stories(book: CustomerBook) -> CustomerBook:
    """The book with the :data:`STORIES` cast: each goes to the first EUR-only customer of its country.

    The customer keeps its number, collector and company code and takes the story's name,
    payment behaviour, risk class, terms and volume. A story cast ``in_place`` goes to the free
    EUR-only customer of its country and behaviour whose volume is nearest to the story's, and
    takes only its name and risk class. A story whose country has no free customer (a very small
    demo) is left out.
    """
    master, behaviour, weight = book.master, book.behaviour.copy(), book.weight.copy()
    terms, story = book.terms_days.copy(), book.story.copy()
    quantiles = np.quantile(book.weight, [s.volume for s in STORIES])
    names, risks, term_keys = (
        master["name"].to_list(),
        master["risk_class"].to_list(),
        master["payment_terms"].to_list(),
    )
    emails = master["contact_email"].to_list()
    for s, volume in zip(STORIES, quantiles, strict=True):
        free = np.flatnonzero(
            (master["country"].to_numpy() == s.country) & (book.doc_currency == "") & (story == 0)
        )
        if s.in_place:
            free = free[behaviour[free] == s.behaviour]
        if free.size == 0:
            continue
        if s.in_place:
            i = int(free[np.argmin(np.abs(np.log(weight[free] / volume)))])
            story[i], risks[i], names[i] = s.code, s.risk_class, s.name
        else:
            i = int(free[0])
            story[i], behaviour[i], weight[i] = s.code, s.behaviour, volume
            terms[i], term_keys[i], risks[i], names[i] = TERMS_DAYS[s.terms], s.terms, s.risk_class, s.name
        emails[i] = f"{emails[i].split('@')[0]}@{_ascii(s.name.rsplit(' ', 1)[0])[:24]}.example.com"
    master = master.with_columns(
        pl.Series("name", names),
        pl.Series("risk_class", risks),
        pl.Series("payment_terms", term_keys),
        pl.Series("contact_email", emails),
    )
    return replace(
        book, master=master, behaviour=behaviour, weight=weight / weight.sum(), terms_days=terms, story=story
    )


def story_customers(book: CustomerBook) -> dict[str, str]:
    """Story key -> customer number, for the stories cast in ``book``."""
    ids = book.master["customer_id"]
    return {
        s.key: ids[int(np.flatnonzero(book.story == s.code)[0])]
        for s in STORIES
        if (book.story == s.code).any()
    }


#: Step to which credit limits are rounded up, by size (credit management works in round numbers).
LIMIT_STEPS = ((100_000, 5_000), (1_000_000, 25_000), (float("inf"), 100_000))
#: Limit as a multiple of the customer's expected exposure, per behaviour (uniform range): good payers
#: get headroom, slow and chronic ones a limit their balance sometimes runs past.
LIMIT_HEADROOM = ((1.2, 1.8), (1.0, 1.5), (0.8, 1.3), (0.6, 1.1))
#: Credit limits per story (as a multiple of the expected exposure); the insolvency case runs past its limit.
STORY_HEADROOM = {SERIAL_PAYER: 0.9, INSOLVENCY: 0.6, BIG_DISPUTE: 1.3, CREDIT_BALANCE: 1.0}


def with_credit_limits(
    book: CustomerBook, exposure_cents: np.ndarray, rng: np.random.Generator
) -> CustomerBook:
    """Credit limits set from each customer's expected exposure (net balance, cents).

    As a credit manager would: the expected exposure times a headroom that depends on how the
    customer pays, rounded up to a round amount, at least EUR 5,000, in EUR (all company codes
    keep their books in EUR; no customer is Swiss, so no limit is in CHF).
    """
    lo, hi = np.array(LIMIT_HEADROOM).T
    headroom = lo[book.behaviour] + rng.random(len(exposure_cents)) * (hi - lo)[book.behaviour]
    for code, factor in STORY_HEADROOM.items():
        headroom[book.story == code] = factor
    euros = np.maximum(exposure_cents, 0) / 100 * headroom
    limits = []
    for amount in euros:
        step = next(step for upto, step in LIMIT_STEPS if amount <= upto)
        limits.append(Decimal(max(5_000, int(-(-amount // step)) * step)).quantize(Decimal("0.01")))
    master = book.master.with_columns(
        pl.Series("credit_limit", limits, dtype=CUSTOMER_SCHEMA["credit_limit"]),
        pl.lit("EUR").alias("credit_limit_currency"),
    )
    return replace(book, master=master)
