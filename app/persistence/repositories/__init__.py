"""Every MongoDB query lives in a repository: one per stored thing, each built with the
session of the transaction it works in (or none, for reads outside one). They take and
return the typed documents of `app.persistence.documents`."""
