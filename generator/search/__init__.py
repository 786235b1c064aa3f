"""Full-text search: the documents Pagefind indexes (`documents`), how Chinese is
segmented for it (`segment`) and the sharded index (`index`).
"""
