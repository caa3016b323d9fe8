"""One module per screen: PATH, NAME, ROLES, `layout` and `register_callbacks(app)`."""

from monitor.pages import bedside, board, home, login, session

PAGES = (login, home, bedside, board, session)
__all__ = ["PAGES", "bedside", "board", "home", "login", "session"]
