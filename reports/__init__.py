"""Weekly and self-audit reports: data, charts and HTML/PDF/CSV/XLSX rendering."""
