"""Stage 4: `xxgk build`. One agency at a time (`units`), through an executor,
with a content-addressed cache (`cache`), written in one swap (`write`).
"""
