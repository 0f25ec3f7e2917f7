"""Options and messages from RFCs beyond RFC 8415, one module per feature."""
