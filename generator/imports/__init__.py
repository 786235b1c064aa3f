"""`xxgk import`: reports agencies already published become content files.

    readers       the registry: a reader per file type (text, HTML, Word, PDF),
                  built on base (the Reader contract) and document (what readers make)
    matching      a Document as a report: title, format, rows and narrative, from
      labels        cells and labels by meaning, numbers in cells
      placement     table lines in official rows, never by a guess, through
        rows          lines with the row their label names, in their table's part
        fitting       one row's cells fitted to its columns (as printed, or by its total)
        stream        figures apart from their labels, by order and the table's arithmetic
      narrative     paragraphs as Markdown under the official headings
    registration  a new agency's registry entry
    batch         many files at once: read, match, write, register, check once
"""
