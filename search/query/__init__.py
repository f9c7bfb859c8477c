"""What a search asks for: the text query parser, filters, argument checks, suggestions."""
