"""The web chat widget (static files) and the socket.io channel it talks to."""
