"""Building the NLU models: base conversion, classifier training, the n-gram model, scores."""
