"""Forms of the people pages: invite, change a person, an agency's stage contacts, and the
colleague who takes each of a leaver's stages. The services check the same rules again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from escalations.models import Agency, Membership, Partnership, Role, User
from escalations.models.choices import AGENCY_ROLES, PARTNERSHIP_ROLES
from escalations.people import CONTACT_STAGES, Holding, contact_candidates

from .fields import RecordChoiceField, RecordsChoiceField, person_with_role

NAME_LIMIT = 150


class _PlacementForm(forms.Form):
    first_name = forms.CharField(max_length=NAME_LIMIT, widget=forms.TextInput())
    last_name = forms.CharField(max_length=NAME_LIMIT)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(choices=[("", "Choose a role"), *Role.choices])
    agency = RecordChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        empty_label="None: partnership staff",
        help_text="Practitioners and managers belong to an agency; partnership staff to none.",
        error_messages={"invalid_choice": "Choose an agency of this partnership."},
    )
    job_title = forms.CharField(max_length=200, required=False)

    error_messages_by_field = {
        "first_name": "Enter their first name",
        "last_name": "Enter their last name",
        "email": "Enter their email address",
        "role": "Choose their role",
    }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = Agency.objects.filter(partnership=partnership).order_by("name")
        for name, message in self.error_messages_by_field.items():
            self.fields[name].error_messages["required"] = message
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )

    def _other_users(self) -> Any:
        return User.objects.all()

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if self._other_users().filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone already uses this email address")
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, agency = data.get("role"), data.get("agency")
        if role in AGENCY_ROLES and agency is None and "agency" not in self.errors:
            self.add_error("agency", "Choose the agency a practitioner or manager works for")
        if role in PARTNERSHIP_ROLES and agency is not None:
            self.add_error("agency", "Partnership staff belong to no agency: choose none")
        return data


class InviteForm(_PlacementForm):
    username = forms.CharField(
        max_length=NAME_LIMIT,
        validators=[UnicodeUsernameValidator()],
        help_text="What they sign in with: letters, digits and @ . + - _ only.",
        error_messages={"required": "Enter a username"},
    )

    field_order = ["first_name", "last_name", "email", "username", "role", "agency", "job_title"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is already taken")
        return username


class PersonForm(_PlacementForm):
    """A person's details, role and agency."""

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        self.person = person
        membership = Membership.objects.get(user=person)
        kwargs.setdefault(
            "initial",
            {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "role": membership.role,
                "agency": membership.agency_id,
                "job_title": membership.job_title,
            },
        )
        super().__init__(*args, **kwargs)

    def _other_users(self) -> Any:
        return User.objects.exclude(pk=self.person.pk)


class StageContactsForm(forms.Form):
    """Who takes stages 1 to 3 for an agency."""

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        candidates = contact_candidates(agency).select_related("membership")
        current: dict[int, list[int]] = {stage: [] for stage in CONTACT_STAGES}
        for contact in agency.contacts.filter(stage__in=CONTACT_STAGES):
            current[contact.stage].append(contact.user_id)
        fallback = {1: "practitioner", 2: "manager", 3: "senior manager"}
        for stage in CONTACT_STAGES:
            self.fields[f"stage_{stage}"] = RecordsChoiceField(
                queryset=candidates,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=f"Stage {stage} contacts",
                help_text=(
                    f"If you choose nobody, every {fallback[stage]} at {agency} "
                    f"takes stage {stage}."
                ),
                initial=current[stage],
            )
            self.fields[f"stage_{stage}"].label_from_instance = person_with_role  # type: ignore[attr-defined]

    def contacts(self) -> dict[int, list[User]]:
        return {stage: list(self.cleaned_data[f"stage_{stage}"]) for stage in CONTACT_STAGES}


KEEP_WITH_CO_HOLDERS = "co-holders"


class DeactivateForm(forms.Form):
    """For each stage the leaver holds now, the colleague who takes it over."""

    def __init__(self, *args: Any, holdings: list[Holding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.holdings = holdings
        for holding in holdings:
            record = holding.row.stage_record
            escalation = record.escalation
            choices: list[tuple[str, str]] = [("", "Choose a colleague")]
            if holding.co_holders:
                names = ", ".join(str(user) for user in holding.co_holders)
                choices.append((KEEP_WITH_CO_HOLDERS, f"Nobody new: leave it with {names}"))
            choices += [(str(user.pk), person_with_role(user)) for user in holding.colleagues]
            field = forms.ChoiceField(
                choices=choices,
                label=(
                    f"{escalation.reference}, stage {record.stage} "
                    f"({holding.row.get_side_display().lower()}): who takes it over?"
                ),
                error_messages={
                    "required": f"Choose who takes {escalation.reference} over",
                    "invalid_choice": f"Choose who takes {escalation.reference} over",
                },
            )
            if len(choices) == 1:
                field.help_text = (
                    "Nobody else has the same role in the same agency. Invite someone, or give "
                    "a colleague this role, first."
                )
            self.fields[f"holding_{holding.row.pk}"] = field

    def holding_fields(self) -> list[tuple[Holding, forms.BoundField]]:
        return [(h, self[f"holding_{h.row.pk}"]) for h in self.holdings]

    def successors(self) -> dict[int, User | None]:
        chosen: dict[int, User | None] = {}
        for holding in self.holdings:
            value = self.cleaned_data[f"holding_{holding.row.pk}"]
            if value == KEEP_WITH_CO_HOLDERS:
                chosen[holding.row.pk] = None
            else:
                chosen[holding.row.pk] = next(
                    user for user in holding.colleagues if str(user.pk) == value
                )
        return chosen
