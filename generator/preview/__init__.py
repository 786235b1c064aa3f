"""`xxgk serve`: the portal kept in memory and answered from, brought up to date on every save.
"""
