"""The plan as an RFC 5545 calendar: one all-day event per item and week.

Each event's UID is built from the item (kind, id, part), never from its date, and SEQUENCE is
the plan's number: importing a newer plan's calendar moves the learner's existing events instead
of duplicating them. Items that left the plan are sent as cancelled events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from mlcamp.planner.schedule import Plan

PRODUCT_ID = "-//mlcamp//study plan//EN"
UID_DOMAIN = "mlcamp.local"


def plan_calendar(
    plan: Plan,
    sequence: int,
    *,
    learner: str = "me",
    previous_keys: set[str] | None = None,
    now: datetime | None = None,
) -> bytes:
    """The calendar file's bytes for `plan` (`sequence` = the saved plan's number)."""
    stamp = now or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "mlcamp study plan")
    keys: set[str] = set()
    for week in plan.weeks:
        for item in week.items:
            key = item.key if item.kind != "review" else f"review-{week.start.isoformat()}"
            keys.add(key)
            event = Event()
            event.add("uid", f"{learner}-{key}@{UID_DOMAIN}")
            event.add("sequence", sequence)
            event.add("dtstamp", stamp)
            event.add("dtstart", week.start)
            event.add("dtend", week.start + timedelta(days=7))
            event.add("transp", "TRANSPARENT")
            event.add("summary", _summary(item.kind, item.title, item.hours, item.part, item.parts))
            event.add(
                "description",
                f"{item.hours:g} hours this week. Run `mlcamp today` for what to do now.",
            )
            event.add("categories", [f"mlcamp-{item.kind}"])
            calendar.add_component(event)
    for key in sorted((previous_keys or set()) - keys):
        event = Event()
        event.add("uid", f"{learner}-{key}@{UID_DOMAIN}")
        event.add("sequence", sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", plan.start)
        event.add("status", "CANCELLED")
        event.add("summary", "Removed from the mlcamp plan")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _summary(kind: str, title: str, hours: float, part: int, parts: int) -> str:
    label = {"topic": "Study", "lab": "Lab", "review": "Review"}[kind]
    of = f" ({part}/{parts})" if parts > 1 else ""
    return f"{label}: {title}{of}, {hours:g} h"
