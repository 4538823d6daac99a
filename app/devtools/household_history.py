"""A seeded, realistic history of one family's spending and income, for measuring the learned
categorisation (`bench/categorise.py`, `tests/unit/test_learned_categorisation.py`) and for
seeding an account in the API tests.

About two years of a family's entries as a bank writes them: some 30 merchants, each under
several spellings ("TESCO STORES 2341", "Tesco Extra 12/03", "CARD 4821 TESCO*STORES LONDON
GB", "TESCO.COM REF 88213"), with card-terminal suffixes, dates and reference numbers inside
the payee; recurring bills on a fixed day with a steady amount; two salaries; merchants that
are not always one envelope (the supermarket is usually Groceries but sometimes Household;
the online shop is whatever was bought); new merchants appearing over time and a few one-off
payees. Every row carries the envelope the family chose for it: the truth to measure against.
The same seed gives the same history, on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

CITIES = ("LONDON", "LEEDS", "BRISTOL", "CROYDON", "READING", "OXFORD")


@dataclass(frozen=True)
class HistoryRow:
    """One entry of the history: signed minor units (negative: spending), and its envelope."""

    day: date
    payee: str
    memo: str | None
    amount: int
    envelope: str


@dataclass(frozen=True)
class Merchant:
    spellings: tuple[str, ...]  # templates: {store} {card} {ref} {dd} {mm} {city} {n}
    envelopes: tuple[tuple[str, float], ...]  # envelope and its weight
    median: float  # a typical visit, in major units
    per_month: float  # visits per month
    start_month: int = 0  # the month of the history it first appears in
    memos: tuple[tuple[str, str], ...] = ()  # (memo, envelope) sometimes written


@dataclass(frozen=True)
class Bill:
    """A recurring payment (or salary) on a fixed day of the month, with a steady amount."""

    spellings: tuple[str, ...]
    envelope: str
    amount: float  # major units; positive: income
    day: int
    start_month: int = 0


MERCHANTS = (
    Merchant(
        (
            "TESCO STORES {store}",
            "Tesco Extra {dd}/{mm}",
            "CARD {card} TESCO*STORES {city} GB",
            "TESCO.COM REF {ref}",
            "TESCO STORES {store} {city}",
        ),
        (("Groceries", 0.8), ("Household", 0.2)),
        62,
        6,
    ),
    Merchant(
        ("SAINSBURYS S/MKTS {store}", "SAINSBURY'S {city}", "CARD {card} SAINSBURYS {dd}{mon}"),
        (("Groceries", 0.85), ("Household", 0.15)),
        48,
        3,
    ),
    Merchant(
        ("LIDL GB {city}", "LIDL {store} {city} GB", "Lidl UK {dd}/{mm}"),
        (("Groceries", 1.0),),
        35,
        3,
    ),
    Merchant(
        ("ALDI {store} {city}", "ALDI STORES LTD", "CARD {card} ALDI {city}"),
        (("Groceries", 1.0),),
        40,
        1.5,
        start_month=9,
    ),
    Merchant(
        ("AMAZON.CO.UK*{ref}", "AMZN MKTP UK*{ref}", "Amazon.co.uk {ref} AMAZON.CO.UK LU"),
        (("Household", 0.45), ("Kids", 0.2), ("Gifts", 0.2), ("Fun", 0.15)),
        28,
        3,
        memos=(("birthday present", "Gifts"), ("school shoes", "Kids")),
    ),
    Merchant(
        ("BOOTS {store} {city}", "BOOTS THE CHEMIST {dd}/{mm}", "CARD {card} BOOTS {city} GB"),
        (("Health", 0.7), ("Household", 0.3)),
        14,
        2,
    ),
    Merchant(
        ("SHELL {city} {n}", "SHELL PETROL {store}", "CARD {card} SHELL {city} GB"),
        (("Transport", 1.0),),
        55,
        2.5,
    ),
    Merchant(
        ("BP {city} SERVICE STN", "BP CONNECT {store}", "CARD {card} BP {dd}{mon}"),
        (("Transport", 1.0),),
        50,
        1,
    ),
    Merchant(
        ("TFL TRAVEL CH", "TFL.GOV.UK/CP {dd}/{mm}", "TRANSPORT FOR LONDON {ref}"),
        (("Transport", 1.0),),
        9,
        6,
    ),
    Merchant(
        ("TRAINLINE.COM {ref}", "THETRAINLINE {dd}{mon}", "CARD {card} TRAINLINE LONDON GB"),
        (("Transport", 0.7), ("Holidays", 0.3)),
        45,
        0.7,
    ),
    Merchant(
        ("PRET A MANGER {store}", "PRET {city} {dd}/{mm}", "CARD {card} PRET*A*MANGER"),
        (("Dining out", 1.0),),
        8,
        5,
    ),
    Merchant(
        ("COSTA COFFEE {store}", "COSTA {city} {n}", "CARD {card} COSTA COFFEE {dd}/{mm}"),
        (("Dining out", 1.0),),
        5,
        4,
    ),
    Merchant(
        ("DELIVEROO {ref}", "DELIVEROO.CO.UK {dd}{mon}", "Deliveroo UK {ref} LONDON"),
        (("Dining out", 1.0),),
        32,
        2,
        start_month=4,
    ),
    Merchant(
        ("PIZZA EXPRESS {store}", "PIZZAEXPRESS {city}", "CARD {card} PIZZA EXPRESS {dd}/{mm}"),
        (("Dining out", 0.8), ("Fun", 0.2)),
        55,
        0.8,
    ),
    Merchant(
        ("ODEON CINEMAS {store}", "ODEON {city} {dd}/{mm}", "CARD {card} ODEON CINEMA"),
        (("Fun", 1.0),),
        36,
        0.8,
    ),
    Merchant(
        ("STEAMGAMES.COM {ref}", "STEAM PURCHASE {ref} WA"),
        (("Fun", 0.9), ("Kids", 0.1)),
        15,
        0.6,
        start_month=6,
    ),
    Merchant(
        ("NEXT RETAIL {store}", "NEXT {city} {dd}/{mm}", "NEXT DIRECTORY {ref}"),
        (("Clothing", 0.7), ("Kids", 0.3)),
        45,
        1,
    ),
    Merchant(
        ("PRIMARK {city}", "PRIMARK STORES {store}", "CARD {card} PRIMARK {city} GB"),
        (("Clothing", 0.6), ("Kids", 0.4)),
        30,
        0.8,
    ),
    Merchant(
        ("CLARKS {store}", "CLARKS SHOES {city}"),
        (("Kids", 0.8), ("Clothing", 0.2)),
        38,
        0.3,
    ),
    Merchant(
        ("WATERSTONES {store}", "WATERSTONES.COM {ref}"),
        (("Gifts", 0.5), ("Fun", 0.3), ("Kids", 0.2)),
        18,
        0.5,
    ),
    Merchant(
        ("IKEA {city}", "IKEA LTD {ref}", "CARD {card} IKEA {city} GB"),
        (("Household", 1.0),),
        85,
        0.4,
        start_month=3,
    ),
    Merchant(
        ("B&Q {store}", "B & Q {city}", "CARD {card} B&Q {city}"),
        (("Household", 1.0),),
        42,
        0.5,
    ),
    Merchant(
        ("LLOYDS PHARMACY {store}", "LLOYDSPHARMACY {city}"),
        (("Health", 1.0),),
        11,
        0.7,
    ),
    Merchant(
        ("SPECSAVERS {city}", "SPECSAVERS OPTICIANS {store}"),
        (("Health", 1.0),),
        90,
        0.15,
    ),
    Merchant(
        ("EASYJET {ref}", "EASYJET.COM {ref} LUTON", "EASYJET*{ref}"),
        (("Holidays", 1.0),),
        180,
        0.25,
    ),
    Merchant(
        ("AIRBNB * {ref}", "AIRBNB {ref} SAN FRANCISCO"),
        (("Holidays", 1.0),),
        320,
        0.15,
        start_month=5,
    ),
    Merchant(
        ("UBER *TRIP {ref}", "UBER TRIP {dd}{mon} HELP.UBER.COM", "UBER* EATS {ref}"),
        (("Transport", 0.6), ("Dining out", 0.4)),
        16,
        1.5,
        start_month=2,
    ),
    Merchant(
        ("GREGGS {store}", "GREGGS PLC {city}", "CARD {card} GREGGS {dd}/{mm}"),
        (("Dining out", 1.0),),
        4,
        2,
        start_month=12,
    ),
    Merchant(
        ("M&S SIMPLY FOOD {store}", "MARKS&SPENCER {city}", "M AND S {store} {city}"),
        (("Groceries", 0.7), ("Clothing", 0.3)),
        27,
        1.5,
        start_month=15,
    ),
    Merchant(
        ("SCHOOL MEALS {ref}", "PARENTPAY {ref}", "PARENTPAY LTD {dd}/{mm}"),
        (("Kids", 1.0),),
        22,
        1.5,
        memos=(("school trip", "Kids"),),
    ),
)

BILLS = (
    Bill(("ACME LTD SALARY", "ACME LTD SALARY {mm}/{yy}", "BGC ACME {ref}"), "Available", 2850, 25),
    Bill(("NHS TRUST PAY {ref}", "NHS PAYROLL {mm}{yy}"), "Available", 1920, 28),
    Bill(("HALIFAX MORTGAGE {ref}", "DD HALIFAX MTG {ref}"), "Mortgage", -1150, 1),
    Bill(("BRITISH GAS {ref}", "DD BRITISH GAS {ref}"), "Utilities", -96, 5),
    Bill(("THAMES WATER {ref}", "DD THAMES WATER UTIL {ref}"), "Utilities", -38, 12),
    Bill(("VIRGIN MEDIA {ref}", "DD VIRGIN MEDIA PYMTS"), "Utilities", -52, 18),
    Bill(("EE LIMITED {ref}", "DD EE {mm}/{yy}"), "Utilities", -31, 20),
    Bill(("COUNCIL TAX {ref}", "DD LB CROYDON CTAX {ref}"), "Utilities", -165, 1),
    Bill(("AVIVA INSURANCE {ref}", "DD AVIVA {ref}"), "Insurance", -44, 8),
    Bill(("NETFLIX.COM", "NETFLIX.COM {ref} AMSTERDAM NL"), "Fun", -11, 14),
    Bill(("SPOTIFY UK", "SPOTIFY P{ref} STOCKHOLM SE"), "Fun", -12, 3, start_month=7),
    Bill(("PUREGYM {ref}", "DD PUREGYM LTD"), "Health", -25, 2, start_month=10),
)

ONE_OFF_ENVELOPES = ("Household", "Gifts", "Fun", "Kids", "Dining out", "Health")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WORDS = ("FLOWERS", "STUDIO", "MARKET", "KITCHEN", "CRAFTS", "TOYS", "GARDEN", "DESIGN")
_PLACES = ("ELM", "OAK", "RIVER", "HILL", "ROSE", "PARK", "BRIDGE", "STATION")


def household_history(
    seed: int = 7, months: int = 24, start: date = date(2024, 1, 1)
) -> list[HistoryRow]:
    """`months` of the family's entries from `start`, in date order."""
    rng = random.Random(seed)  # test data, not secrets
    stores = {m: [rng.randint(100, 9999) for _ in range(3)] for m in range(len(MERCHANTS))}
    card = rng.randint(1000, 9999)
    rows: list[HistoryRow] = []
    for month in range(months):
        first = _add_months(start, month)
        days = (_add_months(start, month + 1) - first).days
        for index, merchant in enumerate(MERCHANTS):
            if month < merchant.start_month:
                continue
            for _ in range(_visits(rng, merchant.per_month)):
                day = first + timedelta(days=rng.randrange(days))
                rows.append(_visit(rng, merchant, day, stores[index], card))
        for bill in BILLS:
            if month >= bill.start_month:
                day = first + timedelta(days=min(bill.day, days) - 1)
                rows.append(_bill(rng, bill, day, card))
        for _ in range(rng.randint(1, 3)):
            day = first + timedelta(days=rng.randrange(days))
            rows.append(_one_off(rng, day))
    rows.sort(key=lambda row: row.day)
    return rows


def _visits(rng: random.Random, per_month: float) -> int:
    """A Poisson count with mean `per_month` (Knuth's method: the means are small)."""
    limit, count, product = pow(2.718281828, -per_month), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _visit(
    rng: random.Random, merchant: Merchant, day: date, stores: list[int], card: int
) -> HistoryRow:
    names = [name for name, _ in merchant.envelopes]
    weights = [weight for _, weight in merchant.envelopes]
    envelope = rng.choices(names, weights)[0]
    memo = None
    if merchant.memos and rng.random() < 0.15:
        memo, envelope = rng.choice(merchant.memos)
    size = max(1.0, rng.lognormvariate(0, 0.5) * merchant.median)
    if envelope == "Household" and names[0] == "Groceries":
        size *= 0.5  # the odd household item at the supermarket is a smaller basket
    payee = _spell(rng, rng.choice(merchant.spellings), day, rng.choice(stores), card)
    return HistoryRow(day, payee, memo, -round(size * 100), envelope)


def _bill(rng: random.Random, bill: Bill, day: date, card: int) -> HistoryRow:
    drift = 1 + rng.uniform(-0.04, 0.04) if bill.envelope == "Utilities" else 1.0
    payee = _spell(rng, rng.choice(bill.spellings), day, 0, card)
    return HistoryRow(day, payee, None, round(bill.amount * drift * 100), bill.envelope)


def _one_off(rng: random.Random, day: date) -> HistoryRow:
    payee = f"{rng.choice(_PLACES)} {rng.choice(_WORDS)} {rng.choice(CITIES)}"
    size = rng.lognormvariate(3, 0.7)
    return HistoryRow(day, payee, None, -round(size * 100), rng.choice(ONE_OFF_ENVELOPES))


def _spell(rng: random.Random, template: str, day: date, store: int, card: int) -> str:
    return template.format(
        store=store,
        card=card,
        ref=rng.randint(10000, 999999),
        n=rng.randint(1, 99),
        dd=f"{day.day:02d}",
        mm=f"{day.month:02d}",
        yy=f"{day.year % 100:02d}",
        mon=_MONTHS[day.month - 1],
        city=rng.choice(CITIES),
    )


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, 1)
