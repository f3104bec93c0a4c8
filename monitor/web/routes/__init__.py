"""One module per screen; each route only parses the request, calls a service function and renders."""
