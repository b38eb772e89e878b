"""``/settings``: the learner's profile, export and import of all their data, and where it lives.

- ``POST /settings/profile`` changes the profile and re-plans, as ``mlcamp plan --hours ...``;
- ``GET /settings/export`` downloads everything, as ``mlcamp export``;
- ``POST /settings/import`` loads a file written by an export, as ``mlcamp import``: all or
  nothing, and overwriting recorded data only when the learner ticks "replace".
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from mlcamp.planner.overview import has_plan, refresh_plan
from mlcamp.planner.profile import MAX_HOURS, MIN_HOURS, ProfileError
from mlcamp.planner.service import LEARNER, learner_profile
from mlcamp.store import LearnerExistsError
from mlcamp.store.transfer import SECTIONS
from mlcamp.web.page_cache import cached_page
from mlcamp.web.pages import page, redirect, store, today
from mlcamp.web.routes.dashboard import BACKGROUND_CHOICES, SPECIALIZATION_CHOICES

if TYPE_CHECKING:
    from mlcamp.planner.profile import Profile
    from mlcamp.store import Store

__all__ = ["MAX_IMPORT_BYTES", "router"]

router = APIRouter()

MAX_IMPORT_BYTES = 256 * 1024 * 1024
"""Largest import file read (an export of years of daily work is a few megabytes)."""

NOTICES = {
    "profile": "Profile saved, and your plan was made again from it.",
    "imported": "Data imported: your profile, progress, plans, reviews and quizzes are the file's.",
}


def _profile_form(profile: Profile) -> dict[str, str | bool]:
    """The profile as the form's field values."""
    return {
        "background": profile.background,
        "hours_per_week": f"{profile.hours_per_week:g}",
        "start_date": profile.start_date.isoformat(),
        "target_date": "" if profile.target_date is None else profile.target_date.isoformat(),
        "specialization": profile.specialization or "",
        "include_optional": profile.include_optional,
    }


def _where_data_lives(opened: Store) -> dict[str, str]:
    from mlcamp.paths import mlcamp_home, workspace_dir

    return {
        "home": str(mlcamp_home()),
        "database": opened.location,
        "workspace": str(workspace_dir()),
    }


def _isolation() -> dict[str, str]:
    """The grading isolation mode, in the words of ``mlcamp doctor``."""
    from mlcamp.grader.sandbox import SandboxUnavailable, isolation

    try:
        active = isolation()
    except SandboxUnavailable as exc:
        return {"mode": "unavailable", "reason": str(exc), "level": "bad"}
    if active.mode == "bwrap":
        return {"mode": "bubblewrap sandbox", "reason": active.reason, "level": "ok"}
    return {
        "mode": "fallback (resource limits and a process group, no bubblewrap)",
        "reason": active.reason,
        "level": "warn",
    }


def _settings(
    request: Request,
    *,
    form: dict[str, str | bool] | None = None,
    profile_error: str | None = None,
    import_error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    opened = store(request)
    return page(
        request,
        "settings.html",
        status_code=status_code,
        title="mlcamp: settings",
        form=form if form is not None else _profile_form(learner_profile(opened)),
        profile_error=profile_error,
        import_error=import_error,
        notice=notice,
        has_plan=has_plan(opened),
        backgrounds=BACKGROUND_CHOICES,
        specializations=SPECIALIZATION_CHOICES,
        min_hours=MIN_HOURS,
        max_hours=MAX_HOURS,
        where=_where_data_lives(opened),
        isolation=_isolation(),
    )


@router.get("/settings")
@cached_page()
def settings_page(request: Request, done: str | None = None) -> Response:
    """The profile form, export and import, where the data lives and how grading is isolated."""
    return _settings(request, notice=NOTICES.get(done or ""))


def _parse_date(label: str, value: str, *, optional: bool = False) -> date | None:
    text = value.strip()
    if not text and optional:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ProfileError(f"{label} must be a date like 2026-01-05, got {value!r}") from None


def _parse_hours(value: str) -> float:
    try:
        return float(value.strip())
    except ValueError:
        raise ProfileError(f"hours per week must be a number, got {value!r}") from None


@router.post("/settings/profile")
def save_profile(
    request: Request,
    background: Annotated[str, Form()] = "",
    hours_per_week: Annotated[str, Form()] = "",
    start_date: Annotated[str, Form()] = "",
    target_date: Annotated[str, Form()] = "",
    specialization: Annotated[str, Form()] = "",
    include_optional: Annotated[bool, Form()] = False,
) -> Response:
    """Save the profile and re-plan (as ``mlcamp plan --background ... --hours ...``).

    A bad value shows the form again (422) with what was typed and what is allowed.
    """
    submitted: dict[str, str | bool] = {
        "background": background,
        "hours_per_week": hours_per_week,
        "start_date": start_date,
        "target_date": target_date,
        "specialization": specialization,
        "include_optional": include_optional,
    }
    try:
        changes: dict[str, object] = {
            "background": background,
            "hours_per_week": _parse_hours(hours_per_week),
            "start_date": _parse_date("the start date", start_date),
            "target_date": _parse_date("the target date", target_date, optional=True),
            "specialization": specialization or None,
            "include_optional": include_optional,
        }
        refresh_plan(store(request), today(), changes=changes)
    except ProfileError as exc:
        message = str(exc)
        return _settings(
            request,
            form=submitted,
            profile_error=f"Not saved: {message[:1].lower()}{message[1:].rstrip('.')}.",
            status_code=422,
        )
    return redirect("/settings?done=profile")


@router.get("/settings/export")
def export_data(request: Request) -> Response:
    """All of the learner's data as a JSON download (the document of ``mlcamp export``)."""
    opened = store(request)
    document = opened.export_learner(opened.get_or_create_learner(LEARNER).id)
    body = json.dumps(document, indent=2, sort_keys=True)
    filename = f"mlcamp-export-{today().isoformat()}.json"
    return Response(
        body.encode("utf-8"),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _has_recorded_data(opened: Store) -> bool:
    """Whether the local learner has anything an import would overwrite beyond the default
    profile every page creates (progress, plans, reviews, quizzes...)."""
    document = opened.export_learner(opened.get_or_create_learner(LEARNER).id)
    return any(document[section] for section in SECTIONS)


def _read_upload(upload: UploadFile | None) -> Any:
    """The uploaded file's JSON; ``ValueError`` saying what is wrong with the file."""
    if upload is None or not upload.filename:
        raise ValueError("Choose the file to import (a .json file written by an mlcamp export).")
    raw = upload.file.read(MAX_IMPORT_BYTES + 1)  # the form is parsed: the file is all here
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValueError(
            f"{upload.filename} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB: "
            "this is not an mlcamp export."
        )
    if not raw.strip():
        raise ValueError(f"{upload.filename} is empty.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            f"{upload.filename} is not a text file (not UTF-8): choose the .json file that "
            "mlcamp's export wrote."
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{upload.filename} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}."
        ) from None


@router.post("/settings/import")
def import_data(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    replace: Annotated[bool, Form()] = False,
) -> Response:
    """Load a file written by an export (as ``mlcamp import``), all or nothing.

    Recorded data is overwritten only with the "replace" box ticked; any problem with the file
    shows the page again (422) with the problem named and nothing changed.
    """
    try:
        document = _read_upload(file)
    except ValueError as exc:
        return _settings(request, import_error=f"Not imported: {exc}", status_code=422)
    opened = store(request)
    overwrite = replace or not _has_recorded_data(opened)
    try:
        opened.import_learner(document, name=LEARNER, replace=overwrite)
    except LearnerExistsError:
        return _settings(
            request,
            import_error=(
                "Not imported: you already have data here (progress, plans or reviews). Tick "
                "\u201cReplace my current data\u201d to overwrite it with the file's, or export "
                "it first to keep a copy. Nothing was changed."
            ),
            status_code=422,
        )
    except ValueError as exc:
        return _settings(
            request,
            import_error=(
                f"Not imported: the file is not a valid mlcamp export: {str(exc).rstrip('.')}. "
                "Nothing was changed."
            ),
            status_code=422,
        )
    return redirect("/settings?done=imported")
