"""Stage 2: the rules a report must follow, and the checks that apply them.
"""
