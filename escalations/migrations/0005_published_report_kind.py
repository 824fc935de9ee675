"""Published reports say whether they are a reporting year or a quarterly snapshot, and on
PostgreSQL a trigger refuses any UPDATE or DELETE of one, whatever path tries it: a published
report is frozen (DESIGN.md section 6)."""

from django.db import migrations, models

TABLE = "escalations_publishedreport"
FORWARDS = f"""
CREATE OR REPLACE FUNCTION resolve_published_report_is_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A published report never changes: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {TABLE}_frozen BEFORE UPDATE OR DELETE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION resolve_published_report_is_frozen();
"""
BACKWARDS = f"""
DROP TRIGGER IF EXISTS {TABLE}_frozen ON {TABLE};
DROP FUNCTION IF EXISTS resolve_published_report_is_frozen();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0004_published_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedreport",
            name="kind",
            field=models.CharField(
                choices=[("year", "Reporting year"), ("quarter", "Quarterly snapshot")],
                default="year",
                help_text="A whole reporting year, or a quarter of one (a snapshot during the year).",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="publishedreport",
            name="year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="The year the reporting year (the period or the one it is a quarter of) starts in.",
                null=True,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
