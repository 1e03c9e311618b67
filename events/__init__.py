"""Network calendar, ECHO programmes, registration, attendance and the live session room."""
