"""GOV.UK Design System markup for Django form fields: label or legend, hint, error message
and the input, so every form shows errors the same way and the error summary can link to
each field."""

from __future__ import annotations

from typing import Any

from django import forms, template

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


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    """The error summary at the top of the page, each message linking to its field."""
    errors = []
    for form in forms_:
        for name, messages in form.errors.items():
            if name == "__all__":
                errors += [{"href": "#main-content", "message": m} for m in messages]
                continue
            bound = form[name]
            anchor = bound.auto_id
            if _kind(bound) in ("radios", "checkboxes"):
                anchor = f"{anchor}_0"
            errors += [{"href": f"#{anchor}", "message": m} for m in messages]
    return {"errors": errors}
