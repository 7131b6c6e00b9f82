"""CarDeck reference head unit (simulator)."""
