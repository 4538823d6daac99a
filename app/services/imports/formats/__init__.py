"""Reading bank exports into normalised rows: OFX/QFX, QIF, ISO 20022 CAMT and CSV.

    parse(data, filename=..., currency="EUR") -> ParsedFile(format, rows, errors, ...)
    iter_csv_rows(stream, mapping, batch_size, currency=...)  # bounded batches
    preview_csv(head) / suggest_csv_mapping(header, rows)      # a CSV's mapping
    import_id(row, account_id, occurrence) / occurrences(rows) # dedupe keys

Nothing here touches the database: a job books these rows (next layer).
"""

from .csv_mapping import CsvMapping, SignConvention, suggest_csv_mapping
from .delimited import CsvPreview, iter_csv_rows, preview_csv
from .import_ids import OccurrenceCounter, import_id, occurrences
from .model import (
    MAX_FILE_BYTES,
    FileFormat,
    FileRefused,
    ImportRow,
    ImportSplit,
    ParsedFile,
    RowError,
    StatementInfo,
)
from .parsing import detect_format, parse, resolve_format

__all__ = [
    "MAX_FILE_BYTES",
    "CsvMapping",
    "CsvPreview",
    "FileFormat",
    "FileRefused",
    "ImportRow",
    "ImportSplit",
    "OccurrenceCounter",
    "ParsedFile",
    "RowError",
    "SignConvention",
    "StatementInfo",
    "detect_format",
    "import_id",
    "iter_csv_rows",
    "occurrences",
    "parse",
    "preview_csv",
    "resolve_format",
    "suggest_csv_mapping",
]
