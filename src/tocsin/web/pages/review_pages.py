"""The cross-check review pages: the queue of proposed matches (review_queue) and the groups of
records decided to be the same (review_cluster), under one router."""

from __future__ import annotations

from fastapi import APIRouter

from tocsin.web.pages import review_cluster, review_queue

router = APIRouter(include_in_schema=False)
router.include_router(review_queue.router)
router.include_router(review_cluster.router)
