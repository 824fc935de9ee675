"""The viewflow flow that carries each escalation (DESIGN.md section 9).

One process per escalation. The stage is a ``Handle`` task completed from our transition code
(a ``View`` task has a single owner and cannot be held by two agencies); holders live in our
own stage records. Timers are non-interrupting boundary timers on the stage and
acknowledgement tasks: when the stage task completes, viewflow cancels its waiting timers; when
one fires, its handler re-reads the escalation under the lock and does nothing if its stage has
ended. The escalation's ``status`` is the one source of truth for the stage: the flow only
waits on it.

    start -> stage -> still open? -yes-> stage (again, for the next stage)
               |                  -no--> end
               (the stage's own activation makes the gate's choice: no task for the gate)
               (timers: acknowledgement due -> chase, while not acknowledged;
                        reminder -> remind; due moment -> breach)

Processes started before the acknowledgement's deadline moved onto the stage task (issue 13:
a transition's queries) went through a split to an acknowledgement task of their own, with
its deadline on it. Those nodes stay, unreachable from the start, so that such a process
still runs to its end as it began: acknowledging completes its acknowledgement task, and
settling cancels it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes.handle import HandleActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.signals import flow_finished, flow_started, task_finished, task_started
from viewflow.workflow.status import STATUS

from escalations.models import Escalation, StageRecord

from .locks import EscalationRowLock, held
from .stages import clock_of as _clock
from .stages import record_of


def escalation_of(activation: Any) -> Escalation:
    """The escalation a process carries: the copy in hand when the transition code is moving
    the flow (it has just saved it), else read afresh (the process's seed is set from the
    first moment, before the escalation row points back at the process)."""
    pk = activation.process.seed_object_id
    hand = held(pk)
    if hand is not None:
        return hand.escalation
    return Escalation.objects.select_related("partnership", "policy").get(pk=pk)


def _current_record(escalation: Escalation) -> StageRecord:
    return record_of(escalation, escalation.stage)


def _fired_for_stage(activation: Any) -> int:
    """The stage whose timer fired: recorded on the timer task when it was armed. (A re-run
    handler also has the failed task before it, so pick the timer.)"""
    timer_task = activation.task.previous.get(flow_task_type="TIMER")
    return int(timer_task.data["stage"])


# viewflow's timer, Handle and End nodes, made cheaper for a flow whose every step runs inside
# the transition code's transaction, under the escalation's row lock (issue 13: a
# transition's queries).


def _moving(process: Process) -> bool:
    """The transition code is moving this process, inside its transaction, under the
    escalation's row lock (where an error rolls everything back)."""
    return held(process.seed_object_id) is not None


def _deadlines_on(node: Any) -> list[Deadline]:
    return [event for event in node._boundary_events if isinstance(event, Deadline)]


class Deadline(flow.nodes.TimerBoundary):
    """A non-interrupting timer on a task. A host's deadlines are armed together, each with
    its moment computed before its row is written, already scheduled, in two INSERTs
    (viewflow writes each row, computes its moment in a savepoint, saves it again and links
    it: four queries a timer). When the host task ends, every deadline still waiting on it is
    cancelled in one UPDATE (viewflow reads, and saves, each)."""

    def _arm(self, host_activation: Any) -> None:
        """viewflow arms a host's boundary events one by one: the first of its deadlines
        arms them all at once."""
        deadlines = _deadlines_on(self._attached_to)
        if deadlines[0] is self:
            _arm_all(deadlines, host_activation)

    def arm_again(self, host_activation: Any) -> None:
        """This deadline alone, on a host that has the others already."""
        _arm_all([self], host_activation)

    def _on_host_finished(self, **signal_kwargs: Any) -> None:
        """The first of a host's deadlines cancels them all, in one UPDATE (unless the host's
        own completion did: ``_StageActivation.complete``)."""
        host_task = signal_kwargs["task"]
        if host_task.flow_task != self._attached_to or getattr(host_task, "deadlines_done", False):
            return
        deadlines = _deadlines_on(self._attached_to)
        if deadlines[0] is not self:
            return
        _waiting_on(host_task, deadlines).update(status=STATUS.CANCELED, finished=timezone.now())


def _waiting_on(host_task: Task, deadlines: list[Deadline]) -> Any:
    """The host's deadlines still waiting."""
    return Task.objects.filter(
        flow_task__in=deadlines,
        process_id=host_task.process_id,
        previous=host_task,
        status__in=[STATUS.NEW, STATUS.SCHEDULED],
    )


def _arm_all(
    deadlines: list[Deadline], host_activation: Any, *, follows: Task | None = None
) -> None:
    """Timers on a host task, each with its moment computed first, already scheduled: their
    rows in one INSERT (with the host's own and the one it ``follows``, if they are not
    written yet) and their links to the host in another (with the host's link to the task
    it follows, if given). No timer where its moment is None: that host has no such
    deadline."""
    task_class = host_activation.flow_class.task_class
    host = host_activation.task
    tasks = []
    for node in deadlines:
        task = task_class(
            process=host_activation.process,
            flow_task=node,
            flow_task_type=node.task_type,
            token=host.token,
            data={},
        )
        moment = node._delay(node.activation_class(task))
        if moment is None:
            continue
        task.scheduled, task.status = moment, STATUS.SCHEDULED
        tasks.append(task)
    waiting = [task for task in (follows, host) if task is not None and task.pk is None]
    written = [*waiting, *tasks]
    if written:
        task_class._default_manager.bulk_create(written)
        assert all(task.pk for task in written), "the database returns new rows' ids"
    link = task_class.previous.through
    links = [link(from_task_id=task.pk, to_task_id=host.pk) for task in tasks]
    if follows is not None:
        links.append(link(from_task_id=host.pk, to_task_id=follows.pk))
    if links:
        link.objects.bulk_create(links)


class _StartActivation(StartHandleActivation):
    @Activation.status.super()
    def execute(self) -> None:
        """viewflow's start, without a savepoint when the raise starts it (inside the raise's
        transaction, holding the new escalation, where an error rolls the raise back whole)."""
        moving = _moving(self.process)
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        with transaction.atomic(savepoint=not moving):
            self.process.save()
            with self.flow_class.lock(self.process.pk):
                self.complete()
                flow_started.send(sender=self.flow_class, process=self.process, task=self.task)
                self.activate_next()

    @Activation.status.super()
    def complete(self) -> None:
        """viewflow's, except that when the raise starts the flow at a stage the start's task
        is written with the stage's task and its timers, in one INSERT (``_arm_all``)."""
        if not _moving(self.process) or not isinstance(self.flow_task._next, Stage):
            super().complete.original()
            return
        self.task.finished = timezone.now()
        self.task.flow_task_type = self.flow_task.task_type  # as Task.save sets it
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class Start(flow.StartHandle):
    """viewflow's StartHandle, without a savepoint inside the raise's transaction, its task
    written with the first stage's."""

    activation_class = _StartActivation


class _StageActivation(HandleActivation):
    @Activation.status.super()
    def complete(self) -> None:
        """viewflow's, except that inside the transition code's transaction the task's
        completion and the cancellation of its deadlines still waiting are one UPDATE."""
        task = self.task
        if not _moving(self.process):
            super().complete.original()
            return
        task.finished = timezone.now()
        deadlines = _deadlines_on(self.flow_task)
        itself = Q(pk=task.pk)
        Task.objects.filter(itself | Q(pk__in=_waiting_on(task, deadlines).values("pk"))).update(
            status=Case(When(itself, then=Value(STATUS.DONE)), default=Value(STATUS.CANCELED)),
            started=Case(When(itself, then=Value(task.started)), default=F("started")),
            finished=task.finished,
        )
        task.deadlines_done = True  # the deadlines' own handler has nothing left to do
        task_finished.send(sender=self.flow_class, process=self.process, task=task)

    @Activation.status.super()
    def create_next(self) -> Any:
        """The still-open gate's choice, made here: the next stage's task while the
        escalation is open, else the end (the gate's own task, its link and its completion
        were three queries a stage)."""
        flow_ = self.flow_class
        following = flow_.stage if flow_.instance.is_open(self) else flow_.end
        yield following._create(self, self.task.token)


class Stage(flow.Handle):
    """A stage: completed by the transition code, then the next stage or the end."""

    activation_class = _StageActivation

    def _create(self, prev_activation: Any, token: Any, data: Any = None, seed: Any = None) -> Any:
        """viewflow's, except that inside the transition code's transaction the new task is
        written with its deadlines in one INSERT, and its link to the task before it with
        theirs in another."""
        if not _moving(prev_activation.process):
            return super()._create(prev_activation, token, data=data, seed=seed)
        task = self.flow_class.task_class(  # as viewflow's Activation.create makes it
            process=prev_activation.process,
            flow_task=self,
            flow_task_type=self.task_type,  # as Task.save sets it; bulk_create does not
            token=token,
        )
        task.data = data if data is not None else {}
        task.seed = seed
        activation = self.activation_class(task)
        deadlines = _deadlines_on(self)
        assert len(deadlines) == len(self._boundary_events), "a stage's timers are Deadlines"
        _arm_all(deadlines, activation, follows=prev_activation.task)
        return activation


class End(flow.End):
    """viewflow's End; inside the transition code's transaction (under the escalation's lock,
    where an error rolls everything back) it is reached at once, without a savepoint, and its
    task is written once, finished (viewflow writes it new, then again finished). After a
    timer's handler it is viewflow's own, which records a failure on the task."""

    def _create(self, prev_activation: Any, token: Any, data: Any = None, seed: Any = None) -> Any:
        if not _moving(prev_activation.process):
            return super()._create(prev_activation, token, data=data, seed=seed)
        process, flow_class, now = prev_activation.process, self.flow_class, timezone.now()
        waiting = flow_class.task_class._default_manager.filter(
            process=process, finished__isnull=True
        ).exists()
        if not waiting:
            process.status, process.finished = STATUS.DONE, now
            process.save()
        task = flow_class.task_class(
            process=process, flow_task=self, token=token, status=STATUS.DONE, started=now
        )
        task.data = data if data is not None else {}
        task.seed, task.finished = seed, now
        task.save()
        task.previous.add(prev_activation.task)
        task_started.send(sender=flow_class, process=process, task=task)
        task_finished.send(sender=flow_class, process=process, task=task)
        if not waiting:
            flow_finished.send(sender=flow_class, process=process, task=task)
        return self.activation_class(task)  # done: viewflow neither activates nor completes it


class EscalationFlow(flow.Flow):
    """Escalation

    The staged resolution of one professional difference.
    """

    lock_impl = EscalationRowLock()

    start = Start().Next(this.stage)

    # processes started before issue 13 only (see the module's docstring)
    split = flow.Split().Next(this.acknowledgement).Next(this.stage)
    acknowledgement = flow.Handle().Next(this.end)
    acknowledgement_due = Deadline(  # its timers were armed then: this moment is not asked
        this.acknowledgement, this.stage_acknowledgement_due_at, interrupting=False
    ).Next(this.chase_acknowledgement)

    chase_acknowledgement = flow.Function(this.on_acknowledgement_due).Next(this.end)

    # its next is chosen by its activation (``Stage``); the gate stays for the chart and for
    # tasks of before
    stage = Stage().Next(this.still_open)
    stage_acknowledgement_due = Deadline(
        this.stage, this.stage_acknowledgement_due_at, interrupting=False
    ).Next(this.chase_acknowledgement)
    stage_reminder = Deadline(this.stage, this.reminder_at, interrupting=False).Next(this.remind)
    stage_due = Deadline(this.stage, this.due_at, interrupting=False).Next(this.breach)
    remind = flow.Function(this.on_reminder).Next(this.end)
    breach = flow.Function(this.on_due).Next(this.end)
    still_open = flow.If(this.is_open).Then(this.stage).Else(this.end)  # never reached now

    end = End()

    # timer moments: computed when the timer is armed, from our own records

    def stage_acknowledgement_due_at(self, activation: Any) -> dt.datetime | None:
        """While the escalation is not acknowledged: its acknowledgement's due moment (past
        already, for a stage the system escalated to before anyone acknowledged: the chase
        then runs at once, and does nothing if it ran before)."""
        escalation = escalation_of(activation)
        if escalation.acknowledged_at is not None or escalation.acknowledgement_chased_at:
            return None  # acknowledged, or chased already (a failed chase leaves it empty)
        if escalation.process_id is not None and _open_task(
            escalation, EscalationFlow.acknowledgement
        ):  # a process of before: its own acknowledgement task keeps the deadline
            return None
        activation.task.data["stage"] = escalation.stage
        return escalation.acknowledgement_due_at

    def due_at(self, activation: Any) -> dt.datetime:
        escalation = escalation_of(activation)
        activation.task.data["stage"] = escalation.stage
        return _current_record(escalation).due_at

    def reminder_at(self, activation: Any) -> dt.datetime:
        escalation = escalation_of(activation)
        activation.task.data["stage"] = escalation.stage
        record = _current_record(escalation)
        return _clock(escalation).reminder(due_at=record.due_at, urgent=escalation.urgent)

    def is_open(self, activation: Any) -> bool:
        return escalation_of(activation).is_open

    # timer handlers: the same transition code as people, with by=None for the system

    def on_acknowledgement_due(self, activation: Any) -> None:
        from . import timers  # the transition code drives this flow: imported late

        timers.chase_acknowledgement(escalation_id=escalation_of(activation).pk)

    def on_reminder(self, activation: Any) -> None:
        from . import timers

        timers.remind(
            escalation_id=escalation_of(activation).pk, stage=_fired_for_stage(activation)
        )

    def on_due(self, activation: Any) -> None:
        from . import timers

        timers.breach(
            escalation_id=escalation_of(activation).pk, stage=_fired_for_stage(activation)
        )


# The transition code moves the flow with these; nothing else touches its tasks.


def start_process(escalation: Escalation) -> Process:
    process: Process = EscalationFlow.start.run(_process_seed=escalation)
    return process


def _open_task(escalation: Escalation, node: Any) -> Task | None:
    return (
        Task.objects.filter(process_id=escalation.process_id, flow_task=node, status=STATUS.NEW)
        .select_related("process")
        .order_by("-pk")
        .first()
    )


def complete_stage(escalation: Escalation) -> None:
    """The current stage has concluded: the flow starts the next stage's task and timers if
    the escalation is still open, or ends."""
    task = _open_task(escalation, EscalationFlow.stage)
    if task is not None:
        _complete(task)


def complete_acknowledgement(escalation: Escalation) -> None:
    """Acknowledged: the stage's acknowledgement deadline is cancelled, in one UPDATE. A
    process of before (no such deadline waiting, or it fired already) may have an
    acknowledgement task of its own: completed as before."""
    cancelled = Task.objects.filter(
        process_id=escalation.process_id,
        flow_task=EscalationFlow.stage_acknowledgement_due,
        status=STATUS.SCHEDULED,
    ).update(status=STATUS.CANCELED, finished=timezone.now())
    if cancelled:
        return
    task = _open_task(escalation, EscalationFlow.acknowledgement)
    if task is not None:
        _complete(task)


def _complete(task: Task) -> None:
    """What ``Handle.run`` does, without reading the task and its process again: the task was
    read under the escalation's row lock, which every change to this flow takes first."""
    with EscalationFlow.lock(task.process_id):
        activation = task.flow_task.activation_class(task)
        activation.run(None)
        activation.execute()


def close_process(escalation: Escalation) -> None:
    """The escalation is settled: the stage task ends the process (its timers cancelled with
    it). A process of before may still have an acknowledgement task and its timer: cancelled
    first. One read finds them all."""
    flow_ = EscalationFlow
    waiting = list(
        Task.objects.filter(
            process_id=escalation.process_id,
            flow_task__in=[flow_.stage, flow_.acknowledgement, flow_.acknowledgement_due],
            status__in=[STATUS.NEW, STATUS.SCHEDULED],
        )
        .select_related("process")
        .order_by("-pk")
    )
    stage = None
    for task in waiting:
        if task.flow_task == flow_.stage:
            stage = stage or task
        else:
            task.flow_task.activation_class(task).cancel()
    if stage is not None:
        _complete(stage)


def reschedule_stage_timers(escalation: Escalation) -> int:
    """The current stage's due moment has moved (an extension): its reminder and due-moment
    timers follow it in the same transaction (viewflow computes a timer's moment only once).

    A timer still waiting is moved. One that has already fired (the old due day's reminder;
    the old due moment itself, and its breach, when the extension comes after it) is armed
    again on the stage task, so that the new due moment has its own reminder and its own
    breach, like the original one. Returns how many waiting timers were moved."""
    stage_task = _open_task(escalation, EscalationFlow.stage)
    assert stage_task is not None, f"{escalation} has no open stage task"
    record = _current_record(escalation)
    moments = {
        EscalationFlow.stage_reminder: _clock(escalation).reminder(
            due_at=record.due_at, urgent=escalation.urgent
        ),
        EscalationFlow.stage_due: record.due_at,
    }
    moved = 0
    for node, moment in moments.items():
        waiting = Task.objects.filter(
            process_id=escalation.process_id,
            flow_task=node,
            status=STATUS.SCHEDULED,
            previous=stage_task,
        ).update(scheduled=moment)
        if waiting:
            moved += waiting
        else:  # fired already: arm one for the new moment (computed from the stage record)
            node.arm_again(stage_task.flow_task.activation_class(stage_task))
    return moved
