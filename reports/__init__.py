"""Executive reports: view models, plotly figures, the HTML renderer and PDF export.

Works from the JSON payloads of :func:`survey.services.analysis_runs.run_results` only (no Flask,
SQLAlchemy or models here; :mod:`survey.reports.cli` is the bridge).

* :mod:`reports.view_model` — ``build_report(results, ...) -> ReportView`` (frozen dataclasses)
* :mod:`reports.figures` — pure functions ``ReportView parts -> plotly.graph_objects.Figure``
* :mod:`reports.render` — figures → HTML fragments (plotly.js once); ``render_standalone``
* :mod:`reports.pdf` — ``html_to_pdf`` / ``write_pdf`` with headless Chromium
* :mod:`reports.labels` — the bilingual (zh_CN / en) label table
"""
