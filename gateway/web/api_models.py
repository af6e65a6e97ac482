"""Response models of the JSON API: they shape the OpenAPI document and what each role can receive."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class RunningItem(BaseModel):
    allocation_id: int
    standard: str
    gemeente: str
    toewijzingnummer: int
    aanbieder: str
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None
    state: str
    pc4: str | None
    client_id: str  # the opaque public id, never the BSN
    client_name: str


class RunningResponse(BaseModel):
    on: date
    total: int
    clients: int
    by_state: dict[str, int]
    by_standard: dict[str, int]
    estimated: bool = Field(description="true: the totals are a sample of 1 in `sample_modulus` clients "
                                        "scaled up (a large set); false: counted exactly")
    sample_modulus: int
    page: int
    per_page: int
    items: list[RunningItem]


class VersionItem(BaseModel):
    standard: str
    gemeente: str
    toewijzingnummer: int
    aanbieder: str
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    toewijzingsdatum: date
    reden_wijziging: str | None
    current: bool
    voided: bool
    deleted: bool


class DeliveryItem(BaseModel):
    kind: str
    aanbieder: str
    toewijzingnummer: int | None
    begindatum: date
    einddatum: date | None
    reden_beeindiging: str | None
    removed: bool


class ClaimItem(BaseModel):
    """A declared Prestatie (323) and its verdict in the 325; amounts in euro cents."""

    toewijzingnummer: int
    aanbieder: str
    referentienummer: str
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str
    bedrag: int
    debet_credit: str
    status: str  # awarded | rejected | credited | not_assessed
    codes: list[str]


class RequestItem(BaseModel):
    kind: str
    aanbieder: str
    referentie_aanbieder: str
    state: str


class AnswerItem(BaseModel):
    aanbieder: str
    referentie_aanbieder: str
    verzoek_antwoord: str
    reden_afwijzing: str | None
    voided: bool


class TimelineItem(BaseModel):
    at: datetime
    message: str | None
    identificatie: str | None
    status: str
    retour: str | None
    retour_codes: list[str]


class HouseholdMember(BaseModel):
    client_id: str
    name: str


class ClientResponse(BaseModel):
    client_id: str
    name: str
    bsn: str
    geboortedatum: date | None
    address: str
    gemeenten: list[str]
    versions: list[VersionItem]
    deliveries: list[DeliveryItem]
    requests: list[RequestItem]
    answers: list[AnswerItem]
    timeline: list[TimelineItem]
    household: list[HouseholdMember]
    claims: list[ClaimItem] = []


class WaitItem(BaseModel):
    """One month of the trend: over every provider and category of the caller (`alle`), or the chosen ones."""

    measure: str  # request_to_allocation | allocation_to_start
    provider: str
    category: str
    month: str
    count: int | None  # None: fewer clients than the minimum group size (analysts; `suppressed`)
    p50: int | None
    p90: int | None
    max: int | None
    suppressed: bool = False


class RankItem(BaseModel):
    """One provider and category over a period (`overig`: every group of one wait, folded)."""

    measure: str
    provider: str
    category: str
    count: int | None
    p50: int | None
    p90: int | None
    max: int | None
    suppressed: bool = False


class OpenRequestItem(BaseModel):
    gemeente: str
    aanbieder: str
    kind: str
    referentie_aanbieder: str
    state: str
    category: str
    since: date
    age_days: int
    client_id: str


class RankPage(BaseModel):
    """One page of the ranking over months since..until: `per_page` rows of each measure from
    (page - 1) * per_page, and how many rows each measure's ranking holds (`overig` included)."""

    since: str
    until: str
    page: int
    per_page: int
    totals: dict[str, int]
    items: list[RankItem]


class OpenCountItem(BaseModel):
    provider: str
    category: str
    count: int
    clients: int


class OpenRequestPage(BaseModel):
    """One page of the waiting list on a date (oldest first), its total and the counts per provider and
    category (most waiting first) of the whole list."""

    total: int
    page: int
    per_page: int
    counts: list[OpenCountItem]
    items: list[OpenRequestItem]


class SignalItem(BaseModel):
    kind: str
    rule: str
    description: str
    since: date
    due: date
    age_working_days: int
    overdue_working_days: int
    subject: str
    gemeente: str | None
    aanbieder: str | None
    client_id: str | None
    key: str = Field(description="the signal's lasting name (to mark it handled)")
    handled_by: str | None = None
    handled_at: datetime | None = None
    handled_reason: str | None = None


class UsageGroupItem(BaseModel):
    provider: str
    category: str
    allocations: int | None  # None: a group under the minimum size (analysts; `suppressed`)
    never_started: int | None  # None also when only this count is under the minimum
    never_started_share: float | None
    allocated_days: int | None
    delivered_days: int | None
    ratio: float | None
    suppressed: bool = False


class UsageAllocationItem(BaseModel):
    toewijzingnummer: int
    provider: str
    category: str
    allocated_days: int
    delivered_days: int
    started: bool


class UsageResponse(BaseModel):
    on: date
    groups: list[UsageGroupItem]
    allocations: list[UsageAllocationItem] | None  # per allocation, one page (`page`, `per_page`): team only
    allocations_total: int | None = None  # all allocations of the team (the pages together)


class ClaimedGroupItem(BaseModel):
    """Usage from what was claimed per provider, product category, PC4 and month (handlers.insight.claimed).

    Volumes are in the allocations' unit, amounts in euro cents; `share` is awarded / allocated volume.
    None: unknown (no Omvang, or a total without an end date) or withheld (`suppressed`, analysts).
    """

    provider: str
    category: str
    pc4: str | None
    month: str  # YYYY-MM
    allocations: int | None
    started: int | None  # of those allocations, how many had started (305) by `on`
    allocated_volume: int | None
    declared_volume: float | None
    awarded_volume: float | None
    declared_amount: int | None
    awarded_amount: int | None
    share: float | None
    suppressed: bool = False


class ClaimedAllocationItem(BaseModel):
    """One allocation in one month (team only)."""

    toewijzingnummer: int
    standard: str
    provider: str
    category: str
    pc4: str | None
    month: str  # YYYY-MM
    started: bool  # a live start (305) by `on`
    eenheid: str | None
    allocated_volume: int | None
    declared_volume: float
    awarded_volume: float
    declared_amount: int
    awarded_amount: int
    share: float | None
    over: bool  # declared more than allocated in this month


class ClaimedTotals(BaseModel):
    """The shown groups added up (withheld groups stay out, so nothing can be worked out by subtraction)."""

    allocated_volume: int | None
    declared_volume: float
    awarded_volume: float
    declared_amount: int
    awarded_amount: int
    share: float | None


class ClaimedUsageResponse(BaseModel):
    on: date
    idle_months: int | None  # filter: running, no awarded claim in the N full months before `on`'s month
    over: bool  # filter: only months where the declared volume exceeds the allocated volume
    groups: list[ClaimedGroupItem]
    totals: ClaimedTotals
    allocations: list[ClaimedAllocationItem] | None  # team only, one page
    allocations_total: int | None = None


class AreaRowItem(BaseModel):
    """One area of the wijkanalyse (a PC4, or a wijk when the population file names wijken), or `Totaal`.

    A count of None is withheld (analysts: a small group, or the complement of one; listed in
    `withheld`); a rate of None cannot be given (no population loaded for the area, or its count withheld).
    """

    area: str
    pc4s: list[str]
    inwoners: int | None
    clients: int | None
    clients_wmo: int | None
    clients_jeugd: int | None
    allocations_wmo: int | None
    allocations_jeugd: int | None
    clients_0_17: int | None
    clients_18_64: int | None
    clients_65_plus: int | None
    clients_age_unknown: int | None
    per_1000: float | None
    per_1000_wmo: float | None
    per_1000_jeugd: float | None
    per_1000_0_17: float | None
    per_1000_18_64: float | None
    per_1000_65_plus: float | None
    withheld: list[str]
    small: list[str] = Field(description="the withheld counts below the minimum group size (\"< 5\"); the "
                                         "others in `withheld` would give one of those back (\"x\")")


class AreaTrendItem(BaseModel):
    on: date  # the last day of the month; the reference date itself for its own month
    clients_wmo: int | None
    clients_jeugd: int | None
    allocations_wmo: int | None
    allocations_jeugd: int | None
    withheld: list[str]
    small: list[str]


class AreaResponse(BaseModel):
    on: date
    per: str = Field(description="pc4, or wijk when the loaded population file names wijken")
    population: bool = Field(description="a population table is loaded: rates per 1,000 residents")
    age_population: bool = Field(description="the population table has age groups: rates per age group")
    gemeente: str | None
    standard: str | None
    categorie: str | None
    min_group_size: int | None = Field(description="analysts: counts below it (and their complements) "
                                                   "are withheld; None for teams")
    rows: list[AreaRowItem] = Field(description="the areas, then the total row (area `Totaal`)")
    trend: list[AreaTrendItem] = Field(description="the last 12 months, running on each month's last day")


class MessageItem(BaseModel):
    at: datetime
    message: str | None
    identificatie: str | None
    sender: str | None
    receiver: str | None
    direction: str
    status: str
    codes: list[str]
    retour: str | None
    retour_codes: list[str]


class MonitorResponse(BaseModel):
    since: datetime
    by_status: dict[str, int]
    outbox_waiting: int
    items: list[MessageItem]
