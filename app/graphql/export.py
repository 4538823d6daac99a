"""Print the schema's SDL: `python -m app.graphql.export > schema/schema.graphql`."""

from __future__ import annotations

from strawberry.printer import print_schema

from app.core.settings import Settings
from app.graphql.schema import build_schema


def schema_sdl() -> str:
    return print_schema(build_schema(Settings(dev_mode=True))) + "\n"


if __name__ == "__main__":
    print(schema_sdl(), end="")
