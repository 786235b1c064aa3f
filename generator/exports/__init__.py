"""Machine-readable downloads made from checked reports (report.json today).
"""
