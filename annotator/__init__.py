"""Pure domain core: documents, spans, schemas, offsets and tokens. No Qt, no database."""
