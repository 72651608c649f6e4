"""One module per companion document: each builds the typed context its template lays out."""
