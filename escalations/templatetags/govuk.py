"""GOV.UK Design System markup for Django form fields: label or legend, hint, error message
and the input, so every form shows errors the same way and the error summary can link to
each field."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.core.exceptions import ValidationError

from escalations.forms.fields import DATE_PARTS, DateInputField, date_parts_in_error

register = template.Library()


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect: first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.inclusion_tag("includes/field.html")
def field(
    bound: forms.BoundField, *, heading: bool = False, width: str = "", legend_size: str = "m"
) -> dict[str, Any]:
    """``{% field form.reasons %}``; ``heading=True`` makes the label or legend the page's
    h1 (one question a page)."""
    widget = bound.field.widget
    input_type = getattr(widget, "input_type", "text")
    return {
        "field": bound,
        "kind": _kind(bound),
        "heading": heading,
        "width": width,
        "legend_size": legend_size,
        "input_type": input_type if input_type != "select" else "text",
        "value": bound.value() if bound.value() is not None else "",
        "first_id": (
            f"{bound.auto_id}_0" if _kind(bound) in ("radios", "checkboxes") else bound.auto_id
        ),
    }


@register.inclusion_tag("includes/date_input.html")
def date_input(
    bound: forms.BoundField, *, hint: str = "", legend_size: str = "s"
) -> dict[str, Any]:
    """``{% date_input form.date_from hint="For example, 1 4 2025" %}``: the GOV.UK date
    input for a ``DateInputField``, with only the inputs an error is about highlighted."""
    value = bound.value()
    if not isinstance(value, list | tuple):
        value = bound.field.widget.decompress(value)  # type: ignore[attr-defined]
    in_error = {part for error in bound.errors.as_data() for part in date_parts_in_error(error)}
    return {
        "field": bound,
        "hint": hint,
        "legend_size": legend_size,
        "parts": [
            {
                "id": f"{bound.auto_id}_{part}",
                "name": f"{bound.html_name}_{part}",
                "label": part.capitalize(),
                "value": typed or "",
                "width": 4 if part == "year" else 2,
                "error": part in in_error,
            }
            for part, typed in zip(DATE_PARTS, value, strict=True)
        ],
    }


def _anchor(bound: forms.BoundField, error: ValidationError) -> str:
    """The element an error summary link goes to: the field, the first radio or checkbox,
    or the first input of a date that the error is about."""
    if isinstance(bound.field, DateInputField):
        return f"{bound.auto_id}_{date_parts_in_error(error)[0]}"
    if _kind(bound) in ("radios", "checkboxes"):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    """The error summary at the top of the page, each message linking to its field."""
    errors = []
    for form in forms_:
        for name, found in form.errors.items():
            for error in found.as_data():
                anchor = "main-content" if name == "__all__" else _anchor(form[name], error)
                errors += [{"href": f"#{anchor}", "message": message} for message in error]
    return {"errors": errors}
