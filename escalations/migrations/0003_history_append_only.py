"""History is append-only in the database too: on PostgreSQL a trigger refuses any UPDATE or
DELETE of a historical row, whatever path tries it (a shell, a bulk query, a careless
migration). TRUNCATE, which only test teardown uses, is not a row operation and still works."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION resolve_history_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'History is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def historical_tables(apps):
    config = apps.get_app_config("escalations")
    return [
        model._meta.db_table
        for model in config.get_models()
        if model._meta.db_table.startswith("escalations_historical")
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in historical_tables(apps):
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION resolve_history_is_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in historical_tables(apps):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS resolve_history_is_append_only()")


class Migration(migrations.Migration):
    dependencies = [("escalations", "0002_escalation_process")]

    operations = [migrations.RunPython(forwards, backwards)]
