"""Statistics: the comparable measures (`formats.measures`) of reports, summed over
agencies, regions and years, with their rates and trends. Pure functions of typed
summaries; the site's statistics pages and the statistics downloads read them."""
