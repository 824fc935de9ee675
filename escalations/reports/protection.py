"""Small-number suppression for the public edition (DESIGN.md section 6): which counts it
hides, and what it says of them. The rule (``definitions``, printed in the methodology and on
the public page):

1. Counts from 1 to ``threshold - 1`` are hidden (primary suppression). Zero is shown.
2. More counts are hidden (secondary suppression) until a reader holding every public edition
   published for the reporting year (each quarterly snapshot and the year, ``reader``) cannot
   narrow any hidden count to fewer than ``threshold`` whole numbers: its least and greatest
   possible values are at least ``threshold - 1`` apart. So no hidden count can be worked
   out, or told from a count ``threshold - 1`` away, from one publication or by taking one
   from another. Kept from before, and implied by that: in every sum with a hidden cell at
   least two are hidden; where a total is shown, its hidden parts add up to at least the
   threshold (a reader can work that sum out).
3. The counts hidden to protect others hide the least: the smallest first, and a headline
   count (raised, resolved, withdrawn, still open) only when no other would do. What was
   published earlier in the year never changes: a new publication hides more instead.
4. A hidden count that is not small can be given a band, "N or more" (N a multiple of five
   and at least the threshold), when rule 2 still holds with the band published too.
5. A median is shown when at least ``threshold`` escalations sit under it, even if their
   count is hidden, unless rule 2 would then fail (the reader learns the count is at least
   the threshold) or the median is a half day (it would tell that the count is even). A
   share or a 90th percentile resting on a hidden count is hidden.

``tests/escalations/reports/test_suppression.py`` checks rule 2 by brute force for one
publication; ``test_public_year.py`` over a year's quarterly snapshots and the year.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .ranges import Constraint
from .reader import Reader, Snapshot
from .tidy import HEADLINES, Equation

logger = logging.getLogger(__name__)

BAND_STEP = 5
TRIALS = 6  # the cheapest cells tried as a complement, each a new linear programme
TRIALS_OF_A_BAND = 2  # bands tried for a count, from the highest its own range allows


@dataclass(frozen=True)
class Protection:
    """What one public edition hides, and what it says of its hidden counts."""

    snapshot: Snapshot  # as published: ``hidden`` and ``at_least`` filled in
    bands: Mapping[str, int] = field(default_factory=dict)  # cell id -> "N or more"
    medians: frozenset[str] = frozenset()  # hidden counts whose median is shown
    reader: Reader | None = None  # of it and all published before it, as it was checked

    @property
    def hidden(self) -> frozenset[str]:
        return self.snapshot.hidden


def rule_in_words(threshold: int) -> str:
    """The rule, in plain English, for the methodology and the public page."""
    small = f"1 to {threshold - 1}" if threshold > 2 else "1"
    return (
        f"Counts from {small} are not shown, to protect children and families. Other counts "
        "are hidden too wherever, with everything published for the reporting year (each "
        "quarterly snapshot and the year's report), a hidden count could otherwise be worked "
        f"out or narrowed down to fewer than {threshold} possible values, including by taking "
        "one snapshot from another. The counts hidden for this are the smallest that do the "
        "job, and a headline count (raised, resolved, withdrawn, still open) only when no "
        f"other would do. Where a hidden count is not small and it is safe to, it is given as "
        f'a band, such as "20 or more". A median is shown when at least {threshold} '
        "escalations sit under it. A share or a 90th percentile resting on a hidden count is "
        "not shown. Zero is shown."
    )


def suppress(
    values: Mapping[str, int], equations: Iterable[Equation], threshold: int
) -> frozenset[str]:
    """The cells (by id) to show as suppressed in one publication read on its own."""
    return protect(Snapshot(values, tuple(equations)), threshold).hidden


def protect(
    new: Snapshot,
    threshold: int,
    *,
    earlier: Sequence[Snapshot] = (),
    medians: Mapping[str, tuple[str, float | None]] = {},  # noqa: B006 - read only
) -> Protection:
    """Rules 1 to 5 for ``new``, published after ``earlier`` in the same reporting year.
    ``medians``: each median's cell id -> (the count it rests on, its value)."""
    hidden = {cell for cell, n in new.counts.items() if 0 < n < threshold}
    guard = _Guard(new, earlier, threshold)
    guard.hide(hidden)
    while (narrow := guard.first_narrow()) is not None:
        more = guard.complement(narrow)
        if more is None:  # cannot be: with every count hidden, the reader knows no more
            raise ValueError(f"No count left to hide to protect {narrow}: not published.")
        guard.hide({more})
    shown_medians = guard.medians(medians)
    bands = guard.bands()
    least = dict.fromkeys(shown_medians, threshold) | bands
    snapshot = new.replace(hidden=frozenset(guard.hidden), at_least=least)
    return Protection(snapshot, bands, shown_medians, guard.reader)


class _Guard:
    """Secondary suppression for one new publication: a reader of everything published,
    and the cells of the new publication hidden so far."""

    def __init__(self, new: Snapshot, earlier: Sequence[Snapshot], threshold: int) -> None:
        self.new, self.earlier, self.threshold = new, earlier, threshold
        self.need = threshold - 1
        self.hidden: set[str] = set()
        self.reader = Reader([*earlier, new])
        self.safe: set[str] = set()  # hidden counts found safe: hiding more keeps them so
        self._prior: Reader | None = None

    def hide(self, cells: set[str]) -> None:
        """Hide ``cells``, and whatever the sums of the new publication then need at once
        (rule 2 in a single sum: two hidden, and hidden parts of a shown total adding up to
        the threshold)."""
        self.hidden |= cells
        changed = True
        while changed:
            changed = False
            for eq in self.new.equations:
                if (more := self._one_more(eq)) is not None:
                    self.hidden.add(more)
                    changed = True
        self.reader = self.reader.hiding(*map(self.new.var, self.hidden))

    def _one_more(self, eq: Equation) -> str | None:
        counts, hidden = self.new.counts, self.hidden
        hidden_here = [name for name in (eq.total, *eq.parts) if name in hidden]
        if not hidden_here:
            return None
        hidden_parts = sum(counts[name] for name in eq.parts if name in hidden)
        if len(hidden_here) == 1 or (eq.total not in hidden and hidden_parts < self.threshold):
            return self._cheapest(eq.parts) or self._cheapest((eq.total,))
        return None

    def _cheapest(self, cells: Iterable[str]) -> str | None:
        shown = [c for c in cells if c not in self.hidden and self.new.counts[c] > 0]
        return min((c for c in shown if self._unknown(c)), key=self._cost, default=None)

    def _cost(self, cell: str) -> tuple[int, int, str]:
        """Rule 3: the smallest first, a headline count only when no other would do, and a
        zero last of all (it protects little, as counts are never negative, and is a
        finding)."""
        count = self.new.counts[cell]
        return (2 if count == 0 else 1 if cell in HEADLINES else 0, count, cell)

    @property
    def prior(self) -> Reader:
        """What a reader knows before the new publication: the earlier ones, and how the new
        one relates to them, with none of its counts."""
        if self._prior is None:
            self._prior = Reader(
                [*self.earlier, self.new.replace(hidden=frozenset(self.new.counts))]
            )
        return self._prior

    def required(self, name: str) -> int:
        """How far apart a hidden count's possible values must be: the threshold less one,
        or, where the earlier publications already narrowed it further (its value published
        before, or an older rule), no narrower than they left it. A count never published
        (the days between a quarter's previous period and the quarter before) only when it
        is small."""
        truth = self.reader.truth[name]
        if name in self.reader.unpublished and not 0 < truth < self.threshold:
            return 0
        return min(self.need, self.prior.span(name, enough=self.need))

    def first_narrow(self) -> str | None:
        mine = self.new.name + "|"
        for name in sorted(self.reader.hidden, key=lambda n: (not n.startswith(mine), n)):
            if name in self.safe:
                continue
            if self.reader.span(name, enough=self.need) < self.required(name):
                return name
            self.safe.add(name)
        return None

    def complement(self, narrow: str) -> str | None:
        """Of the cheapest few shown cells of the new publication tied to ``narrow`` (and not
        already known from earlier publications), the first whose hiding lets it range
        widely enough; failing that, the one that widens it most; failing that, the
        cheapest, tied to it or not."""
        near = {n for c in self.reader.group(narrow) for n in c.names} | {narrow}
        touching = {n for c in self.reader.constraints if c.names & near for n in c.names}
        shown = sorted((c for c in self.new.counts if c not in self.hidden), key=self._cost)
        candidates = [c for c in shown if self.new.var(c) in touching and self._unknown(c)]
        needed = self.required(narrow)
        best: tuple[int, str | None] = (self.reader.span(narrow, enough=self.need), None)
        for cell in candidates[:TRIALS]:
            span = self.reader.hiding(self.new.var(cell)).span(narrow, enough=self.need)
            if span >= needed:
                return cell
            if span > best[0]:
                best = (span, cell)
        if best[1] is not None or candidates:
            return best[1] or candidates[0]
        return next((c for c in shown if self._unknown(c)), None)

    def _unknown(self, cell: str) -> bool:
        """Whether hiding ``cell`` could hide anything: earlier publications do not give it.
        (One they give is shown: it is no secret, and is never small, as they kept to rule 2.)"""
        return self.prior.span(self.new.var(cell), enough=1) > 0

    def _still_safe(self, reader: Reader, name: str) -> bool:
        near = {n for c in reader.group(name) for n in c.names} | {name}
        return all(reader.span(n, enough=self.need) >= self.required(n) for n in near)

    def medians(self, medians: Mapping[str, tuple[str, float | None]]) -> frozenset[str]:
        """Rule 5: the hidden counts whose median can be shown."""
        shown = set()
        for count, value in sorted(medians.values(), key=str):
            if count not in self.hidden or self.new.counts[count] < self.threshold:
                continue
            if value is None or value != int(value):
                continue
            told = self.reader.knowing(Constraint.at_least(self.new.var(count), self.threshold))
            if self._still_safe(told, self.new.var(count)):
                self.reader = told
                shown.add(count)
        return frozenset(shown)

    def bands(self) -> dict[str, int]:
        """Rule 4: headline counts first, then the largest."""
        bands = {}
        counts = self.new.counts
        for cell in sorted(self.hidden, key=lambda c: (c not in HEADLINES, -counts[c], c)):
            name = self.new.var(cell)
            if counts[cell] < max(self.threshold, BAND_STEP):
                continue
            high = self.reader.extreme(name, largest=True).value
            top = counts[cell] if high is None else min(counts[cell], high - self.need)
            highest = top - top % BAND_STEP
            for least in range(
                highest, max(self.threshold - 1, highest - TRIALS_OF_A_BAND * BAND_STEP), -BAND_STEP
            ):
                told = self.reader.knowing(Constraint.at_least(name, least))
                if self._still_safe(told, name):
                    self.reader, bands[cell] = told, least
                    break
        return bands
