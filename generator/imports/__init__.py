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
    registration  the agencies a batch knows, and a new one's registry entry, from
      naming        a name's places, its pinyin id, two spellings of one name
      regions       a new agency's region, from the registry's regions or default_region
    batch         many files at once: read, match, write, register, check once
    reading       files read and matched in worker processes when they are many
    folders       the files a command line's files and folders stand for
    summary       a batch's outcomes as one row per file: a table, CSV, JSON
"""
