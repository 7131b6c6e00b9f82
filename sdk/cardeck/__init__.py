"""CarDeck SDK."""
