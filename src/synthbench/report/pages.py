"""Pages of the HTML report that are not figures: tables and the run's configuration as HTML.

Snakemake's report shows an HTML result inside the report itself but offers any other file (a CSV, a YAML)
only as a download, so every table and the configuration the report should show is also written as one small
self-contained page (inline style, no scripts, nothing fetched). The CSV and YAML files stay the data.
"""

import html
from pathlib import Path

from synthbench.atomic import replacing

STYLE = """body{font:13px/1.4 system-ui,sans-serif;margin:12px;color:#222}
h1{font-size:15px;margin:0 0 4px} h2{font-size:13px;margin:10px 0 4px} p{margin:0 0 10px;color:#555}
table{border-collapse:collapse} th,td{border:1px solid #ddd;padding:2px 8px;text-align:right}
th{background:#f3f3f3;position:sticky;top:0} td:nth-child(-n+4){text-align:left}
pre{background:#f7f7f7;padding:10px;border:1px solid #ddd}"""


def page(title: str, body: str, note: str = "") -> str:
    lead = f"<p>{html.escape(note)}</p>" if note else ""
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head>\n<body><h1>{html.escape(title)}</h1>{lead}\n{body}\n</body></html>\n")


def table_page(frame, title: str, note: str = "") -> str:
    """A table as a page: every row, numbers to 4 significant digits, missing values blank."""
    body = frame.to_html(index=False, na_rep="", float_format=lambda number: f"{number:.4g}", border=0)
    return page(title, body, note or f"{len(frame)} rows")


def write_text(text: str, path: Path) -> None:
    """A page (or any text output) written whole under its final name, or not at all."""
    with replacing(Path(path)) as partial:
        partial.write_text(text, encoding="utf-8")


def write_table(frame, csv_path: Path, page_path: Path | None, title: str) -> None:
    """A results table as CSV (the data) and, where asked, as a report page."""
    with replacing(Path(csv_path)) as partial:
        frame.to_csv(partial, index=False)
    if page_path is not None:
        write_text(table_page(frame, title), page_path)


def config_page(config_yaml: str, left_out: dict[str, str]) -> str:
    """The resolved configuration, after the list of figures it leaves out of the report (path: reason)."""
    missing = ""
    if left_out:
        items = "".join(f"<li><code>{html.escape(path)}</code>: {html.escape(reason)}</li>"
                        for path, reason in sorted(left_out.items()))
        missing = f"<h2>Left out of this report</h2><ul>{items}</ul>\n"
    return page("Configuration of this run", f"{missing}<pre>{html.escape(config_yaml)}</pre>",
                "Every key after validation, defaults filled in (results/config.yaml; rerun it with "
                "`snakemake --configfile results/config.yaml`).")
