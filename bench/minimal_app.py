"""The smallest Litestar app: one plain GET returning a dict. The baseline of bench/load.py's read ratio."""

from litestar import Litestar, get


@get("/")
async def index() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[index], logging_config=None)
