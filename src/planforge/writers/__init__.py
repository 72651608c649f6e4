"""Writers: one module per output (Markdown, HTML, DOCX, PDF, summary workbook), plus the atomic file writer."""
