"""`xxgk import`: readers by file type (`readers`) and the matching of what they read
to the official tables (`matching`).
"""
