"""The Django admin for the partnership team (DESIGN.md sections 3, 4 "History", 5 and 9).

The team keeps the partnership's reference data here: policy versions, agencies and their
stage contacts, memberships, closure days and people. Escalations and everything that hangs
from them are read-only: a change of state has one path, through the services and the
transition code, and the admin is not it.

- Audited records use simple-history's admin, so each has a History page with who, when, what
  changed (field by field) and why. Every save made here records the person and a reason.
- History pages only show: revert is disabled in the settings and any POST to a historical
  version is refused, because a revert would bypass the state machine.
- Nothing is deleted: people are deactivated and records are kept, so history keeps who did
  what. No admin offers delete or the bulk delete action.
- A member of the partnership team sees only their own partnership; case content (section 5)
  only the partnership lead and scrutineer, or a superuser.

The admin is in three parts: ``base`` (scoping, no deletes, history shown but never changed),
``reference`` (the partnership's reference data and its people) and ``cases`` (escalations and
what hangs from them, read-only, and viewflow's admins replaced by view-only ones). Importing
them here registers them when Django discovers ``escalations.admin``.
"""

from . import base, cases, reference

__all__ = ["base", "cases", "reference"]
