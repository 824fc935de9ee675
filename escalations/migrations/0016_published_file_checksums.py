"""Each published file's own SHA-256, so that a reader can check the file they downloaded
with sha256sum (the report's checksum covers the figures and the PDF together). Existing
publications get theirs from the stored bytes: the PDF as stored, the JSON as it is served."""

import hashlib
import json

from django.db import migrations, models


def json_file(figures):
    # as PublishedReport.json_file: keys sorted, indented, UTF-8
    return json.dumps(figures, indent=2, sort_keys=True, ensure_ascii=False).encode()


TRIGGER = "escalations_publishedreport_frozen"  # migration 0005: no UPDATE of a publication


def fill(apps, schema_editor):
    """The only change ever made to a publication: adding the digests of what it already
    holds, with the freezing trigger off for that moment alone (in this transaction)."""
    PublishedReport = apps.get_model("escalations", "PublishedReport")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE escalations_publishedreport DISABLE TRIGGER {TRIGGER}")
    for report in PublishedReport.objects.all():
        PublishedReport.objects.filter(pk=report.pk).update(
            pdf_sha256=hashlib.sha256(bytes(report.pdf)).hexdigest(),
            json_sha256=hashlib.sha256(json_file(report.figures)).hexdigest(),
        )
    if postgres:
        schema_editor.execute(f"ALTER TABLE escalations_publishedreport ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("escalations", "0015_codes_failing")]

    operations = [
        migrations.AddField(
            model_name="publishedreport",
            name="pdf_sha256",
            field=models.CharField(default="", help_text="SHA-256 of the PDF file.", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="publishedreport",
            name="json_sha256",
            field=models.CharField(
                default="", help_text="SHA-256 of the JSON file.", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
