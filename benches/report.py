"""How much do the annual report's figures and PDF cost? (the annual report issue: figures
within 2x of hand-written SQL, the PDF within 1.5x of a plain document, per page).

Builds a throwaway PostgreSQL test database with one partnership, 15 agencies and 100,000
escalations over five reporting years (about 20,000 a year) with their stage records,
extensions and signposting, written with SQL for speed in the shape the services leave. Then:

* figures: ``compute_figures`` for reporting year 2025, against the floor: hand-written SQL
  aggregates for the same figures (one query per breakdown, medians by ``percentile_cont``,
  open ages by the same working-day calendar), on the same database;
* PDF: the internal edition's PDF (charts and layout), per page, against its floor: the same
  content (tables and text) laid out by WeasyPrint with no stylesheet and no charts; plain
  running text of the same number of pages is printed beside it, for information.

Run by hand: ``scripts/with-postgres.sh .venv/bin/python benches/report.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

ESCALATIONS = int(os.environ.get("BENCH_ESCALATIONS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
YEAR = 2025
SECTORS = (
    "childrens_social_care",
    "police",
    "health_icb",
    "health_hospital",
    "health_community",
    "health_gp",
    "health_mental",
    "education_school",
    "education_early_years",
    "probation",
    "youth_justice",
    "housing",
)
CATEGORIES = (
    "threshold",
    "assessment",
    "strategy_s47",
    "cp_plan",
    "drift",
    "step_down",
    "roles",
    "cross_border",
    "information_sharing",
    "exploitation",
    "resources",
    "other",
)


def median_time(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# the data ------------------------------------------------------------------------------------


def build_world() -> tuple[int, list[int], int]:
    """The partnership (from the test factories), 12 more agencies, and the ids bulk rows use."""
    from escalations.models import Agency
    from tests.factories import make_world

    world = make_world()
    for number, sector in enumerate(SECTORS):
        Agency.objects.create(
            partnership=world.partnership, name=f"Agency {number + 1} ({sector})", sector=sector
        )
    world.partnership.need_levels = ["Level 1", "Level 2", "Level 3", "Level 4"]
    world.partnership.save()
    agencies = list(
        Agency.objects.filter(partnership=world.partnership).values_list("pk", flat=True)
    )
    return world.partnership.pk, agencies, world.police.practitioner.pk


def bulk_load(partnership: int, agencies: list[int], user: int) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM escalations_policy WHERE partnership_id = %s", [partnership])
        (policy,) = cursor.fetchone()
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            INSERT INTO escalations_escalation (
                partnership_id, policy_id, reference, subject, raising_agency_id, raised_by_id,
                receiving_agency_id, level_of_need, case_status, category, decision_disputed,
                reasons, impact_on_child, outcome_sought, family_informed,
                family_not_informed_reason, urgent, immediate_risk, status, stage, outcome,
                resolution_summary, agreed_actions, learning_points, raised_at, closed_at,
                working_days_open, acknowledgement_due_at, acknowledged_at, updated_at)
            SELECT %(partnership)s, %(policy)s, 'BENCH-' || g, 'children', raising, %(user)s,
                receiving,
                (ARRAY['Level 1', 'Level 2', 'Level 3', 'Level 4', ''])[1 + floor(r4 * 5)::int],
                (ARRAY['none', 'early_help', 'child_in_need', 'child_protection',
                       'looked_after'])[1 + floor(r5 * 5)::int],
                (%(categories)s::text[])[1 + floor(r6 * 12)::int],
                'decision', 'reasons', '', 'outcome sought', 'yes', '', r7 < 0.1, false,
                CASE WHEN closed THEN state ELSE 'stage_' || stage END, stage,
                CASE WHEN NOT closed THEN ''
                     WHEN state = 'withdrawn' THEN 'withdrawn'
                     ELSE (ARRAY['decision_changed', 'stands_accepted',
                                 'partly_agreed'])[1 + floor(r8 * 3)::int] END,
                '', '', CASE WHEN closed AND r9 < 0.3 THEN 'learning' ELSE '' END,
                raised, CASE WHEN closed THEN raised + days * interval '1.4 days' END,
                CASE WHEN closed THEN days END,
                raised + interval '1 day', raised + r9 * interval '40 hours',
                CASE WHEN closed THEN raised + days * interval '1.4 days' ELSE raised END
            FROM (
                SELECT g, r1, r4, r5, r6, r7, r8, r9,
                    (%(agencies)s::bigint[])[1 + (g %% %(n)s)] AS raising,
                    (%(agencies)s::bigint[])[1 + ((g + 1 + floor(r1 * (%(n)s - 1))::int)
                                                  %% %(n)s)] AS receiving,
                    timestamptz '2022-04-01 09:00+01'
                        + (g::float / %(count)s) * interval '1826 days'
                        + r2 * interval '8 hours' AS raised,
                    CASE WHEN r3 < 0.6 THEN 1 WHEN r3 < 0.85 THEN 2
                         WHEN r3 < 0.96 THEN 3 ELSE 4 END AS stage,
                    g < %(count)s * 0.985 OR r8 < 0.3 AS closed,
                    CASE WHEN r9 < 0.15 THEN 'withdrawn' ELSE 'resolved' END AS state,
                    floor(r4 * 18)::int AS days
                FROM (SELECT g, random() r1, random() r2, random() r3, random() r4,
                             random() r5, random() r6, random() r7, random() r8, random() r9
                      FROM generate_series(1, %(count)s) AS g) AS draws
            ) AS rows
            """,
            {
                "partnership": partnership,
                "policy": policy,
                "user": user,
                "agencies": agencies,
                "n": len(agencies),
                "count": ESCALATIONS,
                "categories": list(CATEGORIES),
            },
        )
        cursor.execute(
            """
            INSERT INTO escalations_stagerecord (
                escalation_id, stage, started_at, original_due_at, due_at, decision,
                decision_reason, decided_at, conclusion, conclusion_reason,
                raising_record_reference, receiving_record_reference, concluded_at,
                breached_at, duration_working_days)
            SELECT e.id, s, start, start + interval '3 days',
                start + interval '3 days' + CASE WHEN e.id %% 20 = 0 THEN interval '2 days'
                                                 ELSE interval '0' END,
                'stands', '', CASE WHEN s = 1 THEN start + (e.id %% 50) * interval '2 hours' END,
                CASE WHEN s < e.stage THEN 'escalated'
                     WHEN e.closed_at IS NOT NULL THEN e.status ELSE '' END,
                '', '', '', finish,
                CASE WHEN finish > start + interval '3 days'
                     THEN start + interval '3 days' END,
                CASE WHEN finish IS NOT NULL THEN 3 END
            FROM escalations_escalation e
            CROSS JOIN generate_series(1, 4) AS s
            CROSS JOIN LATERAL (
                SELECT e.raised_at + (s - 1) * interval '3.5 days' AS start,
                    CASE WHEN s < e.stage
                         THEN e.raised_at + s * interval '3.5 days'
                         ELSE e.closed_at END AS finish
            ) AS moments
            WHERE s <= e.stage AND e.partnership_id = %s
            """,
            [partnership],
        )
        cursor.execute(
            """
            INSERT INTO escalations_extension (stage_record_id, proposed_by_id, proposed_side,
                proposed_at, new_due_date, new_due_at, reason, status, decided_by_id,
                decided_at)
            SELECT id, %s, 'raising', started_at + interval '1 day', due_at::date, due_at,
                'more time', 'accepted', %s, started_at + interval '1 day 2 hours'
            FROM escalations_stagerecord WHERE escalation_id %% 20 = 0
            """,
            [user, user],
        )
        cursor.execute(
            """
            INSERT INTO escalations_signposting (partnership_id, route, created_at)
            SELECT %s, (ARRAY['complaint', 'lado', 'iro', 'conference', 'single_agency',
                              'immediate_risk'])[1 + g %% 6],
                timestamptz '2022-04-01' + (g::float / 8000) * interval '1826 days'
            FROM generate_series(1, 8000) AS g
            """,
            [partnership],
        )
        for table in ("escalation", "stagerecord", "extension", "signposting"):
            cursor.execute(f"ANALYZE escalations_{table}")
        counts = {}
        for table in ("escalation", "stagerecord", "extension"):
            cursor.execute(f"SELECT count(*) FROM escalations_{table}")
            counts[table] = int(cursor.fetchone()[0])
        return counts


# the floor: the same figures by hand-written SQL ---------------------------------------------

FLOOR_QUERIES = {
    "headline": """
        SELECT count(*), count(*) FILTER (WHERE urgent),
            count(*) FILTER (WHERE closed_at < %(end)s AND status = 'resolved'),
            count(*) FILTER (WHERE closed_at < %(end)s AND status = 'withdrawn'),
            count(*) FILTER (WHERE closed_at IS NULL OR closed_at >= %(end)s),
            count(*) FILTER (WHERE closed_at < %(end)s AND status = 'resolved'
                             AND learning_points <> ''),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY working_days_open)
                FILTER (WHERE closed_at < %(end)s AND status = 'resolved'),
            percentile_disc(0.9) WITHIN GROUP (ORDER BY working_days_open)
                FILTER (WHERE closed_at < %(end)s AND status = 'resolved'),
            max(working_days_open) FILTER (WHERE closed_at < %(end)s)
        FROM escalations_escalation
        WHERE partnership_id = %(p)s AND raised_at >= %(start)s AND raised_at < %(end)s""",
    "previous": """
        SELECT count(*) FROM escalations_escalation
        WHERE partnership_id = %(p)s AND raised_at >= %(prev)s AND raised_at < %(start)s""",
    "outcome": """
        SELECT outcome, count(*) FROM escalations_escalation
        WHERE partnership_id = %(p)s AND raised_at >= %(start)s AND raised_at < %(end)s
            AND closed_at < %(end)s GROUP BY outcome""",
    "month": """
        SELECT date_trunc('month', raised_at AT TIME ZONE 'Europe/London'), count(*)
        FROM escalations_escalation
        WHERE partnership_id = %(p)s AND raised_at >= %(start)s AND raised_at < %(end)s
        GROUP BY 1""",
    "category": """
        SELECT category, count(*) FROM escalations_escalation
        WHERE partnership_id = %(p)s AND raised_at >= %(start)s AND raised_at < %(end)s
        GROUP BY 1""",
    "need": """
        SELECT level_of_need, count(*) FROM escalations_escalation
        WHERE partnership_id = %(p)s AND raised_at >= %(start)s AND raised_at < %(end)s
        GROUP BY 1""",
    "case_status": """
        SELECT case_status, count(*) FROM escalations_escalation
        WHERE partnership_id = %(p)s AND raised_at >= %(start)s AND raised_at < %(end)s
        GROUP BY 1""",
    "flows": """
        SELECT a.name, a.sector, b.name, b.sector, count(*)
        FROM escalations_escalation e
        JOIN escalations_agency a ON a.id = e.raising_agency_id
        JOIN escalations_agency b ON b.id = e.receiving_agency_id
        WHERE e.partnership_id = %(p)s AND e.raised_at >= %(start)s AND e.raised_at < %(end)s
        GROUP BY 1, 2, 3, 4""",
    "stages": """
        SELECT s.stage, count(*),
            count(*) FILTER (WHERE s.concluded_at < %(end)s),
            count(*) FILTER (WHERE s.concluded_at < %(end)s
                             AND s.concluded_at <= s.original_due_at),
            count(*) FILTER (WHERE s.concluded_at < %(end)s AND s.conclusion = 'resolved'),
            count(*) FILTER (WHERE s.concluded_at < %(end)s AND s.conclusion = 'escalated'),
            count(*) FILTER (WHERE s.concluded_at < %(end)s AND s.conclusion = 'withdrawn'),
            count(*) FILTER (WHERE s.breached_at < %(end)s)
        FROM escalations_stagerecord s JOIN escalations_escalation e ON e.id = s.escalation_id
        WHERE e.partnership_id = %(p)s AND e.raised_at >= %(start)s AND e.raised_at < %(end)s
            AND s.started_at < %(end)s
        GROUP BY 1""",
    "extensions": """
        SELECT s.stage, count(*), count(DISTINCT s.id)
        FROM escalations_extension x
        JOIN escalations_stagerecord s ON s.id = x.stage_record_id
        JOIN escalations_escalation e ON e.id = s.escalation_id
        WHERE e.partnership_id = %(p)s AND e.raised_at >= %(start)s AND e.raised_at < %(end)s
            AND x.status = 'accepted' AND x.decided_at < %(end)s
        GROUP BY 1""",
    "open_days": """
        SELECT (raised_at AT TIME ZONE 'Europe/London')::date,
            (raised_at AT TIME ZONE 'Europe/London')::time < '17:00', count(*)
        FROM escalations_escalation
        WHERE partnership_id = %(p)s AND raised_at >= %(start)s AND raised_at < %(end)s
            AND (closed_at IS NULL OR closed_at >= %(end)s)
        GROUP BY 1, 2""",
    "acknowledgement": """
        SELECT receiving_agency_id, count(*),
            count(*) FILTER (WHERE acknowledged_at < %(end)s),
            count(*) FILTER (WHERE acknowledged_at < %(end)s
                             AND acknowledged_at <= acknowledgement_due_at),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ceil(
                extract(epoch FROM acknowledged_at - raised_at) / 3600))
                FILTER (WHERE acknowledged_at < %(end)s)
        FROM escalations_escalation
        WHERE partnership_id = %(p)s AND raised_at >= %(start)s AND raised_at < %(end)s
        GROUP BY 1""",
    "response": """
        SELECT e.receiving_agency_id, count(*),
            count(*) FILTER (WHERE s.decided_at <= s.original_due_at),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ceil(
                extract(epoch FROM s.decided_at - s.started_at) / 3600))
        FROM escalations_stagerecord s JOIN escalations_escalation e ON e.id = s.escalation_id
        WHERE e.partnership_id = %(p)s AND e.raised_at >= %(start)s AND e.raised_at < %(end)s
            AND s.started_at = e.raised_at AND s.decided_at < %(end)s
        GROUP BY 1""",
    "signposting": """
        SELECT route, count(*) FROM escalations_signposting
        WHERE partnership_id = %(p)s AND created_at >= %(start)s AND created_at < %(end)s
        GROUP BY 1""",
    "agencies": "SELECT id, name, sector, active_from, active_to FROM escalations_agency "
    "WHERE partnership_id = %(p)s",
    "policies": "SELECT version, effective_from FROM escalations_policy "
    "WHERE partnership_id = %(p)s",
}


def floor(partnership: int) -> None:
    from escalations.reports.period import Period
    from escalations.reports.stats import ages_in_working_days

    period = Period.reporting_year(YEAR)
    params = {
        "p": partnership,
        "start": period.start_at,
        "end": period.end_at,
        "prev": period.previous().start_at,
    }
    results = {}
    with connection.cursor() as cursor:
        for name, sql in FLOOR_QUERIES.items():
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
    ages_in_working_days(
        results["open_days"], last_day=period.end, region="england-and-wales", closures=()
    )


# the PDF -------------------------------------------------------------------------------------


PLAIN_STYLE = (
    "@page { size: A4; margin: 18mm; @bottom-right { content: 'Page ' counter(page) ' of '"
    " counter(pages); } } body { font-family: 'DejaVu Sans'; font-size: 9.5pt; }"
)
PARAGRAPH = " ".join(["A plain paragraph of ordinary words about escalations."] * 9)


def plain_html(paragraphs: int) -> str:
    return f'<html lang="en-GB"><style>{PLAIN_STYLE}</style>' + f"<p>{PARAGRAPH}</p>" * paragraphs


def plain_document(pages: int) -> str:
    """Running text, as many paragraphs as fill ``pages`` pages (the same page furniture)."""
    from weasyprint import HTML

    per_page = len(HTML(string=plain_html(100)).render().pages)
    paragraphs = max(1, round(100 * pages / per_page))
    while len(HTML(string=plain_html(paragraphs)).render().pages) > pages:
        paragraphs -= 2
    return plain_html(paragraphs)


def plain_pdf(html: str) -> bytes:
    """WeasyPrint writing the plain document, tagged as ours is (PDF/UA-1): the floor."""
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))


def unstyled(html: str) -> str:
    """Our document's content with neither stylesheet nor charts: what WeasyPrint costs for
    the tables and text themselves, the PDF's floor (issue 13, item 4)."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)
    return re.sub(r"<img [^>]*>", "", html)


def main() -> None:
    from benches.testdb import on_test_database

    on_test_database("benches/report.py", run)


def run() -> None:
    import logging

    from escalations.models import Partnership
    from escalations.reports.compute import compute_figures
    from escalations.reports.period import Period
    from escalations.reports.render import to_html, to_pdf
    from escalations.reports.suppression import build_edition

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    started = time.perf_counter()
    partnership_id, agencies, user = build_world()
    counts = bulk_load(partnership_id, agencies, user)
    loaded = time.perf_counter() - started
    partnership = Partnership.objects.get(pk=partnership_id)
    period = Period.reporting_year(YEAR)
    taken_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

    def figures() -> object:
        return compute_figures(partnership=partnership, period=period, taken_at=taken_at)

    figures()  # warm: imports, connection, plans
    floor(partnership_id)
    ours = median_time(figures)
    hand = median_time(lambda: floor(partnership_id))
    result = compute_figures(partnership=partnership, period=period, taken_at=taken_at)
    edition = build_edition(result)
    to_pdf(edition)  # warm: matplotlib, WeasyPrint, fonts
    pdf_time = median_time(lambda: to_pdf(edition), runs=3)
    from weasyprint import HTML

    pages = len(HTML(string=to_html(edition, print_=True)).render().pages)
    document = plain_document(pages)
    plain = median_time(lambda: plain_pdf(document), runs=3)
    bare = unstyled(to_html(edition, print_=True))
    bare_pages = len(HTML(string=bare).render().pages)
    bare_time = median_time(lambda: plain_pdf(bare), runs=3)
    print(f"escalations (bulk)                  {counts['escalation']:>12,}")
    print(f"stage records                       {counts['stagerecord']:>12,}")
    print(f"extensions                          {counts['extension']:>12,}")
    print(f"raised in reporting year {YEAR}       {result.headline.raised:>12,}")
    print(f"bulk load                           {loaded:>10.1f} s")
    print(f"figures (compute_figures)           {ours * 1000:>10.1f} ms")
    print(f"floor (hand-written SQL)            {hand * 1000:>10.1f} ms")
    print(f"ratio figures / floor               {ours / hand:>12.2f}x   (target < 2)")
    print(f"PDF pages                           {pages:>12}")
    print(f"PDF per page                        {pdf_time / pages * 1000:>10.1f} ms")
    # the floor: the same content (the same tables and text) set plainly, with neither our
    # stylesheet nor the charts, as the figures' floor is the same figures computed plainly
    floor_per_page = bare_time / bare_pages
    print(
        f"floor: same content set plainly     {floor_per_page * 1000:>10.1f} ms a page "
        f"({bare_pages} pages)"
    )
    print(
        f"ratio PDF / floor, per page         {pdf_time / pages / floor_per_page:>12.2f}x"
        "   (target < 1.5)"
    )
    # informative: plain running text of the same number of pages
    print(f"plain running text per page         {plain / pages * 1000:>10.1f} ms")
    print(f"ratio PDF / running text, per page  {pdf_time / plain:>12.2f}x   (informative)")


if __name__ == "__main__":
    main()
