"""How GraphQL requests are executed, bounded and answered: the router, error shaping, the
fast path for plain fields, query cost, limits, the time budget, the rate-limit guard and the
playground. It knows no feature: the schema is composed in `app.graphql.schema`."""
