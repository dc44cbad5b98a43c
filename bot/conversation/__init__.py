"""The conversation engine: what every channel hands a message to, and what it gets back."""
