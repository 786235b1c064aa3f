"""Stage 1: the portal's files. Where they live (`layout`), how they are decoded and parsed
with the line of every value (`source`), loaded into the model (`load`) and their
tables read against the official formats (`tables`); the narrative's Markdown
(`narrative`) and the files `xxgk new` and `xxgk init` write (`scaffold`).
"""
