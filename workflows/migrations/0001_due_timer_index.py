"""A partial index on the timers still waiting, so the sweep costs what is due, not the
hundreds of thousands of finished timers an instance gathers (their ``scheduled`` stays set)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("viewflow", "0015_task_scheduled")]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX workflows_waiting_timer_idx ON viewflow_task (scheduled) "
                "WHERE status = 'SCHEDULED' AND flow_task_type = 'TIMER'"
            ),
            reverse_sql="DROP INDEX workflows_waiting_timer_idx",
        )
    ]
