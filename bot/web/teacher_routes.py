"""The teacher's pages (docs/web.md, "Teacher's grid"), relative to the web's base path."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.core.context import Services
from bot.web import book, book_save, teacher, teacher_save, teacher_send


def routes(services: Services) -> list[BaseRoute]:
    """The grid, saving a row or the note, the preview, and "Gửi" with its confirmation; the
    assessment grid of a period and saving one of its cells (bot/web/book*.py)."""
    return [
        Route("/teacher", teacher.teacher_grid(services)),
        Route("/teacher/row", teacher_save.save_row(services), methods=["POST"]),
        Route("/teacher/note", teacher_save.save_note(services), methods=["POST"]),
        Route("/teacher/preview", teacher_send.preview_page(services)),
        Route("/teacher/send", teacher_send.confirm_page(services)),
        Route("/teacher/send", teacher_send.send(services), methods=["POST"]),
        Route("/teacher/book", book.book_page(services)),
        Route("/teacher/book/cell", book_save.save_cell(services), methods=["POST"]),
    ]
