"""Who may do what, and what each role gets to see (data minimisation). One table each.

Roles (decided with the AOC MOU parties in mind; see README "Roles"):

- reporter (Sakot): submits cases; reads only its own cases and their freeze requests.
- bank: sees only freeze requests on accounts it holds, with the transfer details needed to
  find the money (no victim contact, no narrative, no suspect phones, no reporter case
  number); acknowledges them; registers its webhook.
- police (CCIB): investigates and takes the victim's complaint, so it reads whole cases
  including the victim contact reference, bank queues, clusters and suspect phone numbers.
- dsi: takes over organised/large cases: whole cases and clusters, phone numbers, but not the
  victim contact reference (it asks AOC or police when it needs the victim).
- amlo: works on mule accounts, held money and refunds: freeze requests of every bank with
  their outcomes and clusters; no cases (narrative, victim contact, suspect phones).
- nbtc: only suspect phone numbers with report counts and dates (to suspend SIMs).
- aoc: operators see and may do everything, including acknowledging for a bank (e.g. after a
  phone call), routing a PromptPay request whose bank is unknown, and reading the audit log.

Object scope on top of role: a bank only for its own bank code; a reporter only for its own
cases. A role never allowed gets 403; an object outside scope gets 404 (existence not leaked).
"""

from __future__ import annotations

from dataclasses import dataclass

from exchange.schemas import Role

ALL_ROLES = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "case.create": frozenset({Role.REPORTER, Role.AOC}),
    "case.list": frozenset({Role.REPORTER, Role.POLICE, Role.DSI, Role.AOC}),
    "case.read": frozenset({Role.REPORTER, Role.POLICE, Role.DSI, Role.AOC}),
    "freeze_request.list": frozenset({Role.BANK, Role.POLICE, Role.AMLO, Role.AOC}),
    "freeze_request.read": frozenset(
        {Role.BANK, Role.REPORTER, Role.POLICE, Role.DSI, Role.AMLO, Role.AOC}
    ),
    "freeze_request.ack": frozenset({Role.BANK, Role.AOC}),
    "freeze_request.list_all": frozenset({Role.POLICE, Role.AMLO, Role.AOC}),
    "freeze_request.route": frozenset({Role.AOC}),
    "cluster.list": frozenset({Role.POLICE, Role.DSI, Role.AMLO, Role.AOC}),
    "phone.list": frozenset({Role.NBTC, Role.POLICE, Role.DSI, Role.AOC}),
    "webhook.register": frozenset({Role.BANK, Role.AOC}),
    "audit.list": frozenset({Role.AOC}),
    "whoami": ALL_ROLES,
}

# Freeze-request fields beyond the core every permitted role sees.
FR_EXTRA_FIELDS: dict[Role, frozenset[str]] = {
    Role.BANK: frozenset({"transfers"}),
    Role.AMLO: frozenset({"transfers", "acks"}),
    Role.REPORTER: frozenset({"transfers", "acks", "source_case_ref"}),
    Role.POLICE: frozenset({"transfers", "acks", "source_case_ref"}),
    Role.DSI: frozenset({"transfers", "acks", "source_case_ref"}),
    Role.AOC: frozenset({"transfers", "acks", "source_case_ref"}),
}

# Case fields beyond the core (id, refs, type, priority, times, transfers, freeze requests).
CASE_EXTRA_FIELDS: dict[Role, frozenset[str]] = {
    Role.REPORTER: frozenset({"victim_contact_ref", "victim_bank_case_id", "police_case_id",
                              "summary", "suspect_phones"}),
    Role.POLICE: frozenset({"victim_contact_ref", "victim_bank_case_id", "police_case_id",
                            "summary", "suspect_phones"}),
    Role.DSI: frozenset({"victim_bank_case_id", "police_case_id", "summary", "suspect_phones"}),
    Role.AOC: frozenset({"victim_contact_ref", "victim_bank_case_id", "police_case_id",
                         "summary", "suspect_phones"}),
}


@dataclass(frozen=True)
class Principal:
    agency_id: int
    agency_code: str
    agency_name: str
    role: Role
    bank_code: str | None
    key_id: str


def allowed(role: Role, action: str) -> bool:
    return role in PERMISSIONS[action]
