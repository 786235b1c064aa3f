"""Stage 3: the public site. Every URL (`urls`), what index pages list of a report
(`summaries`), the pages and their contexts (`plan`), and how each output format
is rendered (`outputs`, `render`).
"""
