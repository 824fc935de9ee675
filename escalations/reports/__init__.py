"""The annual report (DESIGN.md section 6): figures computed by database aggregation
(``figures``), the internal and public editions with small-number suppression
(``suppression``), and the formats (``render``: JSON, CSV, HTML and PDF).

Reports only read: nothing here changes a record.
"""
