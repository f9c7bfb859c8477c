"""Reading articles: finding files, one reader per format, records and dates."""
